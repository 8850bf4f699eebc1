# CPack: Debian packages from the install rules, one per component:
#   thumbflow      (Runtime)      the thumbflow command; Depends computed by dpkg-shlibdeps
#   thumbflow-dev  (Development)  libthumbflow, headers, CMake package config; Depends: the -dev
#                                 packages its static library needs at link time
# `cpack -G DEB` in a build folder writes thumbflow_<version>_<arch>.deb and thumbflow-dev_....deb.
set(CPACK_PACKAGE_NAME thumbflow)
set(CPACK_PACKAGE_VENDOR thumbflow)
set(CPACK_PACKAGE_CONTACT "thumbflow maintainers <thumbflow@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL Runtime Development)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION graphics)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME thumbflow)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
# OpenCV's imgcodecs, libheif, libjxl and LibRaw are opened with dlopen (lib/src/image/opencv_codecs.cpp,
# codec_libraries.cpp), so dpkg-shlibdeps cannot see them: name the Debian packages that hold them
# in Depends (shlibdeps adds the rest).
get_target_property(_thumbflow_imgcodecs opencv_imgcodecs LOCATION)
set(_thumbflow_dlopened "${_thumbflow_imgcodecs}")
foreach(_thumbflow_lib IN LISTS HEIF_LINK_LIBRARIES JXL_LINK_LIBRARIES RAW_LINK_LIBRARIES)
  if(_thumbflow_lib MATCHES "/lib(heif|jxl|raw_r)\\.so$")
    get_filename_component(_thumbflow_real "${_thumbflow_lib}" REALPATH)
    list(APPEND _thumbflow_dlopened "${_thumbflow_real}")
  endif()
endforeach()
set(_thumbflow_dlopened_packages "")
foreach(_thumbflow_file IN LISTS _thumbflow_dlopened)
  execute_process(COMMAND dpkg-query -S "${_thumbflow_file}" OUTPUT_VARIABLE _thumbflow_owner
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  string(REGEX REPLACE "^([^:]+):.*" "\\1" _thumbflow_package "${_thumbflow_owner}")
  if(_thumbflow_package)
    list(APPEND _thumbflow_dlopened_packages "${_thumbflow_package}")
  endif()
endforeach()
list(JOIN _thumbflow_dlopened_packages ", " CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS)
# --crop face reads its cascade file at run time (lib/src/crop/face.cpp).
set(CPACK_DEBIAN_RUNTIME_PACKAGE_RECOMMENDS "opencv-data")

set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME thumbflow-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS
  "cmake (>= 3.25), pkg-config, libopencv-dev (>= 4), libtbb-dev, nlohmann-json3-dev, libjpeg62-turbo-dev | libjpeg-dev, libwebp-dev, libexif-dev, zlib1g-dev, libcurl4-openssl-dev (>= 7.85) | libcurl-dev, libcpp-httplib-dev, libhiredis-dev, libgif-dev, libheif-dev, libjxl-dev, libspng-dev, libdeflate-dev, liblcms2-dev, libraw-dev")

include(CPack)
