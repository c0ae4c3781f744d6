# What `cmake --install` puts under a prefix (README, "Install"): the aimcsim binary; its data
# (presets, system presets, zoo, plot tool) in share/aimcsim, where the binary finds them; the docs; the static
# libraries with their headers, a CMake package (find_package(aimcsim): aimcsim::models, ::sw,
# ::traces, ::config, ::platform) and a pkg-config file (aimcsim.pc); the docs include examples/.
# Everything is relocatable.
include(CMakePackageConfigHelpers)

set(aimcsim_data_dir ${CMAKE_INSTALL_DATADIR}/aimcsim)
set(aimcsim_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/aimcsim)
set(aimcsim_libraries aimcsim_models aimcsim_sw aimcsim_traces aimcsim_config aimcsim_platform)

# The build folder mirrors the installed layout: bin/AIMCSIM_DATA_FROM_BIN links to the sources.
cmake_path(ABSOLUTE_PATH aimcsim_data_from_bin BASE_DIRECTORY ${CMAKE_RUNTIME_OUTPUT_DIRECTORY} NORMALIZE
  OUTPUT_VARIABLE aimcsim_build_data_dir)
file(MAKE_DIRECTORY ${aimcsim_build_data_dir})
file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR}/platform/configs ${aimcsim_build_data_dir}/configs SYMBOLIC)
file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR}/platform/systems ${aimcsim_build_data_dir}/systems SYMBOLIC)
file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR}/sw/zoo ${aimcsim_build_data_dir}/zoo SYMBOLIC)

install(TARGETS aimcsim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY platform/configs/ DESTINATION ${aimcsim_data_dir}/configs)
install(DIRECTORY platform/systems/ DESTINATION ${aimcsim_data_dir}/systems)  # their arch: ../configs/
# The networks and the functional data sets (.npy) the binary reads; not the test fixtures.
install(DIRECTORY sw/zoo/ DESTINATION ${aimcsim_data_dir}/zoo
  FILES_MATCHING PATTERN "*.yaml" PATTERN "*.onnx" PATTERN "*.npy")
install(PROGRAMS tools/plot.py DESTINATION ${aimcsim_data_dir}/tools)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs examples DESTINATION ${CMAKE_INSTALL_DOCDIR})  # README's links stay true

install(TARGETS ${aimcsim_libraries} EXPORT aimcsim_targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  FILE_SET HEADERS DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/aimcsim)
install(EXPORT aimcsim_targets NAMESPACE aimcsim:: FILE aimcsimTargets.cmake DESTINATION ${aimcsim_cmake_dir})
configure_package_config_file(cmake/aimcsimConfig.cmake.in aimcsimConfig.cmake INSTALL_DESTINATION ${aimcsim_cmake_dir})
write_basic_package_version_file(aimcsimConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/aimcsimConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/aimcsimConfigVersion.cmake
  cmake/aimcsim_dependencies.cmake DESTINATION ${aimcsim_cmake_dir})

cmake_path(RELATIVE_PATH CMAKE_INSTALL_PREFIX BASE_DIRECTORY ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig
  OUTPUT_VARIABLE aimcsim_pc_prefix)  # ../..
configure_file(cmake/aimcsim.pc.in aimcsim.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/aimcsim.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
