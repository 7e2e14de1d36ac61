// A shared library that is not a Gradscope CUDA backend (no entry points):
// the loader must say so instead of crashing.
extern "C" int gs_not_a_backend_marker() { return 42; }
