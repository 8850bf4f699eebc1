# THUMBFLOW_SANITIZE: "" (none), "address,undefined" or "thread". Applied to every target.
set(THUMBFLOW_SANITIZE "" CACHE STRING "Sanitizers to build with: address,undefined | thread")
if(THUMBFLOW_SANITIZE)
  add_compile_options(-fsanitize=${THUMBFLOW_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${THUMBFLOW_SANITIZE})
endif()
