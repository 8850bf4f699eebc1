// One libFuzzer entry point per target: THUMBFLOW_FUZZ_BODY names the body (fuzz_targets.hpp).
#include <cstddef>
#include <cstdint>

#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  THUMBFLOW_FUZZ_BODY(data, size);
  return 0;
}
