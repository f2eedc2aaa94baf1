# Install rules and the Debian package (CPack DEB; scripts/package builds it).
#
# Layout under CMAKE_INSTALL_PREFIX (/usr for the package):
#   bin/haku-indexer, bin/haku-searchd, bin/haku
#   share/haku/               runtime data: {fi,sv,en}_stop.txt and translations.bin (HAKU_DATA_DIR)
#   share/haku/web/           the search widget (widget/v1/haku.js), the demo and example pages, for hosting elsewhere
#   share/doc/haku/           README.md, docs/*.md, each binary's --help
#   lib/systemd/system/, lib/sysusers.d/haku.conf, /etc/haku/   the units and their configuration
#                             (when scripts/systemd/ has them)
# An installing build is configured with -DHAKU_INSTALL_LAYOUT=ON so the binaries read the installed
# data instead of the source and build trees (--data-dir still overrides the stop lists).
if(HAKU_INSTALL_LAYOUT AND HAKU_TESTS)
  message(FATAL_ERROR "HAKU_INSTALL_LAYOUT=ON reads data from the install prefix, the tests from the trees: "
                      "configure it with -DHAKU_TESTS=OFF (scripts/package does)")
endif()
set(HAKU_INSTALL_DATA_SUBDIR "${CMAKE_INSTALL_DATADIR}/haku")

install(TARGETS haku-indexer haku-searchd haku RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The registry mappings (`haku-indexer --mapping NAME`) and the tool that checks them.
if(EXISTS ${CMAKE_SOURCE_DIR}/corpus/mappings)
  install(DIRECTORY ${CMAKE_SOURCE_DIR}/corpus/mappings/ DESTINATION ${HAKU_INSTALL_DATA_SUBDIR}/mappings
          FILES_MATCHING PATTERN "*.json")
  if(HAKU_INSTALL_LAYOUT)
    # corpus/CMakeLists.txt compiles in the source tree's folder; an installing build reads the
    # installed one (HAKU_MAPPINGS_DIR still overrides it at run time).
    get_target_property(haku_corpus_defs haku_corpus COMPILE_DEFINITIONS)
    list(FILTER haku_corpus_defs EXCLUDE REGEX "^HAKU_DEFAULT_MAPPINGS_DIR=")
    list(APPEND haku_corpus_defs "HAKU_DEFAULT_MAPPINGS_DIR=\"${CMAKE_INSTALL_FULL_DATADIR}/haku/mappings\"")
    set_target_properties(haku_corpus PROPERTIES COMPILE_DEFINITIONS "${haku_corpus_defs}")
  endif()
endif()
# What the install rules need built, as one goal (scripts/package builds it).
add_custom_target(haku_installable)
add_dependencies(haku_installable haku_serving)
if(TARGET haku-convert)
  install(TARGETS haku-convert RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  add_dependencies(haku_installable haku-convert)
endif()
install(FILES
    ${CMAKE_SOURCE_DIR}/stemmers/data/fi_stop.txt
    ${CMAKE_SOURCE_DIR}/stemmers/data/sv_stop.txt
    ${CMAKE_SOURCE_DIR}/stemmers/data/en_stop.txt
    ${CMAKE_BINARY_DIR}/stemmers/translations.bin
  DESTINATION ${HAKU_INSTALL_DATA_SUBDIR})
install(FILES ${CMAKE_SOURCE_DIR}/searchd/web/index.html ${CMAKE_SOURCE_DIR}/searchd/web/widget/example.html
  DESTINATION ${HAKU_INSTALL_DATA_SUBDIR}/web)
install(FILES ${CMAKE_SOURCE_DIR}/searchd/web/widget/v1/haku.js DESTINATION ${HAKU_INSTALL_DATA_SUBDIR}/web/widget/v1)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/corpus/FORMATS.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} FILES_MATCHING PATTERN "*.md")
install(FILES ${CMAKE_SOURCE_DIR}/api/openapi.yaml DESTINATION ${CMAKE_INSTALL_DOCDIR})
# Each binary's --help, generated from the binary itself so it cannot drift.
foreach(target haku-indexer haku-searchd haku)
  install(CODE "
    file(MAKE_DIRECTORY \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DOCDIR}\")
    execute_process(COMMAND \"$<TARGET_FILE:${target}>\" --help
                    OUTPUT_FILE \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DOCDIR}/${target}.help.txt\"
                    RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR \"${target} --help failed: \${rc}\")
    endif()")
endforeach()

# systemd units, the service user and their configuration files, when the tree has them.
set(HAKU_SYSTEMD_DIR "${CMAKE_SOURCE_DIR}/scripts/systemd")
set(HAKU_CONFFILES "")
if(EXISTS "${HAKU_SYSTEMD_DIR}/haku-searchd.service")
  foreach(unit haku-searchd.service haku-reindex.service haku-reindex.timer)
    if(EXISTS "${HAKU_SYSTEMD_DIR}/${unit}")
      install(FILES "${HAKU_SYSTEMD_DIR}/${unit}" DESTINATION lib/systemd/system)
    endif()
  endforeach()
  if(EXISTS "${HAKU_SYSTEMD_DIR}/haku.sysusers")
    install(FILES "${HAKU_SYSTEMD_DIR}/haku.sysusers" DESTINATION lib/sysusers.d RENAME haku.conf)
  endif()
  foreach(conf searchd.conf reindex.conf)
    if(EXISTS "${HAKU_SYSTEMD_DIR}/${conf}")
      install(FILES "${HAKU_SYSTEMD_DIR}/${conf}" DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/haku)
      string(APPEND HAKU_CONFFILES "${CMAKE_INSTALL_FULL_SYSCONFDIR}/haku/${conf}\n")
    endif()
  endforeach()
  if(EXISTS "${HAKU_SYSTEMD_DIR}/haku-reindex.cron")
    install(FILES "${HAKU_SYSTEMD_DIR}/haku-reindex.cron" DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
  endif()
endif()

# ---- Debian package -------------------------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME haku)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "Haku maintainers <haku@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "full-text and semantic search server for EU-funded project descriptions (fi/sv/en)")
set(CPACK_PACKAGE_DESCRIPTION
    "Haku indexes descriptions of EU-funded projects in Finnish, Swedish and English (Voikko lemmas and\n"
    "compounds, Swedish compound splitting, Snowball stems, cross-lingual expansion, fastText vectors)\n"
    "and serves them as a JSON API with a search widget: haku-indexer, haku-searchd and the haku CLI.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Shared libraries (Xapian, ICU, Voikko, libstemmer, CLD2, fastText, zlib, libstdc++) are found by
# dpkg-shlibdeps; the data the binaries read at run time is declared here.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "voikko-fi, hunspell-sv")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "curl")
set(HAKU_DEB_CONTROL_EXTRA "")
foreach(script postinst prerm postrm)
  if(EXISTS "${CMAKE_SOURCE_DIR}/scripts/debian/${script}")
    list(APPEND HAKU_DEB_CONTROL_EXTRA "${CMAKE_SOURCE_DIR}/scripts/debian/${script}")
  endif()
endforeach()
if(NOT HAKU_CONFFILES STREQUAL "")
  file(WRITE "${CMAKE_BINARY_DIR}/debian/conffiles" "${HAKU_CONFFILES}")
  list(APPEND HAKU_DEB_CONTROL_EXTRA "${CMAKE_BINARY_DIR}/debian/conffiles")
endif()
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${HAKU_DEB_CONTROL_EXTRA}")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
