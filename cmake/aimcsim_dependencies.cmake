# The packages aimcsim's libraries need, found by its own build (CMakeLists.txt) and again by a
# project that calls find_package(aimcsim) (aimcsimConfig.cmake, through find_dependency): one
# list for both. Each entry is one find_package call's arguments.
set(aimcsim_dependencies
  "Boost 1.74 COMPONENTS program_options"
  "spdlog"
  "yaml-cpp"
  "nlohmann_json 3.10"
  "Eigen3 3.4 NO_MODULE"
  "Protobuf"  # before ONNX: its onnx_proto target links protobuf::libprotobuf
  "ONNX")     # libonnx-dev: targets onnx, onnx_proto (ONNX_ML=1, ONNX_NAMESPACE=onnx)

# SystemC as the target SystemC::systemc: its CMake package where installed, else the pkg-config
# file that Debian's libsystemc-dev ships (it has no CMake package). Not an alias, so that the
# exported libraries name SystemC::systemc whichever way it was found.
macro(aimcsim_find_systemc)
  if(NOT TARGET SystemC::systemc)
    find_package(SystemCLanguage CONFIG QUIET)
  endif()
  if(NOT TARGET SystemC::systemc)
    find_package(PkgConfig REQUIRED)
    pkg_check_modules(SYSTEMC REQUIRED IMPORTED_TARGET GLOBAL systemc>=2.3.3)
    add_library(SystemC::systemc INTERFACE IMPORTED)
    target_link_libraries(SystemC::systemc INTERFACE PkgConfig::SYSTEMC)
  endif()
endmacro()
