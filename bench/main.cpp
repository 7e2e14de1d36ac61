// gradscope-bench: see bench_main.cpp.
int gs_bench_main(int argc, char** argv);

int main(int argc, char** argv) { return gs_bench_main(argc, argv); }
