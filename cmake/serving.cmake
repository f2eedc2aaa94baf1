# The serving targets and what the binaries say about themselves (version, data directory).
foreach(target haku-indexer haku-searchd haku haku-convert)
  target_compile_definitions(${target} PRIVATE HAKU_VERSION="${PROJECT_VERSION}")
endforeach()
# haku-searchd --help names the data directory the engine reads by default.
set_source_files_properties(${CMAKE_SOURCE_DIR}/searchd/config.cpp DIRECTORY ${CMAKE_SOURCE_DIR}/searchd
  PROPERTIES COMPILE_DEFINITIONS "HAKU_DATA_DIR_DEFAULT=\"${HAKU_DATA_DIR}\"")

# What serving and installing need, as one goal (scripts/serve, scripts/package): one make goal keeps its
# progress percentage right, where several goals each count to 100 %.
add_custom_target(haku_serving)
add_dependencies(haku_serving haku-indexer haku-searchd haku haku_translations)

