# CMake toolchain file used by every cargo build of this workspace (see .cargo/config.toml).
# The embedded JS engine's build fetches the SIMDe headers from the internet; point it at
# the copy from Debian's libsimde-dev instead, so that builds work offline.
set(FETCHCONTENT_SOURCE_DIR_SIMDE "/usr/include" CACHE PATH "SIMDe from libsimde-dev")
