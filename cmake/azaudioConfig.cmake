# CMake package for libazaudio: find_package(azaudio) then target_link_libraries(app azaudio::azaudio).
get_filename_component(_azaudio_libdir "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
get_filename_component(_azaudio_prefix "${_azaudio_libdir}/.." ABSOLUTE)
if(NOT TARGET azaudio::azaudio)
  add_library(azaudio::azaudio SHARED IMPORTED)
  set_target_properties(azaudio::azaudio PROPERTIES
    IMPORTED_LOCATION "${_azaudio_libdir}/libazaudio.so.0"
    IMPORTED_SONAME "libazaudio.so.0"
    INTERFACE_INCLUDE_DIRECTORIES "${_azaudio_prefix}/include")
endif()
set(azaudio_FOUND TRUE)
unset(_azaudio_libdir)
unset(_azaudio_prefix)
