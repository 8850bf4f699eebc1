# THUMBFLOW_SANITIZE: "" (none), "address,undefined" or "thread". Applied to every target.
set(THUMBFLOW_SANITIZE "" CACHE STRING "Sanitizers to build with: address,undefined | thread")
if(THUMBFLOW_SANITIZE)
  add_compile_options(-fsanitize=${THUMBFLOW_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${THUMBFLOW_SANITIZE})
  # oneTBB 2021.8's flow-graph tasks call finalize() through a base pointer after the derived
  # object's destructor ran (input_node_task_bypass, _flow_graph_impl.h:368), which the vptr
  # check reports; every other UBSan check stays on.
  if(THUMBFLOW_SANITIZE MATCHES "undefined")
    add_compile_options(-fno-sanitize=vptr)
  endif()
endif()
