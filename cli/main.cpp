// gradscope-train: train a model headless, list presets, validate a spec.
#include <CLI/CLI.hpp>

#include <iostream>

#include "commands.h"
#include "gradscope/error.h"

int gs_bench_main(int argc, char** argv);  // bench/bench_main.cpp

int main(int argc, char** argv) {
    // `gradscope-train bench ...` is gradscope-bench, with its own options.
    if (argc >= 2 && std::string(argv[1]) == "bench") return gs_bench_main(argc - 1, argv + 1);

    CLI::App app{"gradscope-train: train neural networks headless and watch them learn"};
    app.footer(
        "exit status: 0 done; 1 an error (bad spec, data or file; a failed run; a failed "
        "selftest check); 3 stopped at a non-finite value; 4 selftest skipped (backend "
        "unavailable); 130 interrupted by Ctrl-C (a checkpoint was saved); other values: "
        "bad command line");
    app.require_subcommand(1);

    gs::cli::TrainOptions t;
    auto* train = app.add_subcommand("train", "train a preset or a spec file");
    train->add_option("model,-m,--model", t.model, "preset name or path to a spec JSON")
        ->capture_default_str();
    train->add_option("-d,--data", t.data, "dataset name or path (default: the spec's)");
    train->add_option("-e,--epochs", t.epochs, "epochs to train (default: the spec's)");
    train->add_option("--batch", t.batch, "batch size (default: the spec's)");
    train->add_option("--lr", t.lr, "learning rate (default: the spec's)");
    train->add_option("-b,--backend", t.backend, "backend to train on")->capture_default_str();
    train->add_option("-s,--seed", t.seed, "seed (default: the spec's)");
    train->add_option("--log", t.log_dir, "write a run log (run.jsonl, epochs.csv) in this directory");
    train->add_option("--checkpoint,--save", t.checkpoint,
                      "write a checkpoint here at the end and on Ctrl-C");
    train->add_option("--resume,--load", t.resume, "start from this checkpoint");
    train->add_flag("-q,--quiet", t.quiet, "print only the final result");
    train->add_flag("--every-epoch", t.every_epoch, "print (and evaluate) every epoch");
    train->add_option("--data-path", t.data_path, "where the spec's file dataset is (data.path)");

    app.add_subcommand("presets", "list the example models");
    // Listed for --help; handled before parsing (it takes gradscope-bench's options).
    app.add_subcommand("bench", "training throughput (gradscope-bench; --list shows the cases)")
        ->allow_extras();
    std::string spec_path;
    auto* validate = app.add_subcommand("validate", "check a model spec and print its layers");
    validate->add_option("spec", spec_path, "preset name or path to a spec JSON")->required();

    gs::cli::SelftestOptions st;
    auto* selftest = app.add_subcommand("selftest", "check a backend: every operation against a plain reference, and training runs against the CPU");
    selftest->add_option("-b,--backend", st.backend, "backend to check")->capture_default_str();
    selftest->add_option("--steps", st.steps, "training steps per preset (0: operations only)")
        ->capture_default_str();
    selftest->add_option("-s,--seed", st.seed, "seed of the inputs")->capture_default_str();

    std::string data_what;
    auto* data = app.add_subcommand("data", "look at datasets");
    data->require_subcommand(1);
    auto* info = data->add_subcommand("info", "items per split, shapes, classes and balance");
    info->add_option("dataset", data_what, "fashion-mnist, a built-in set, or a path")->required();

    CLI11_PARSE(app, argc, argv);
    try {
        if (train->parsed()) return gs::cli::run_train(t);
        if (selftest->parsed()) return gs::cli::run_selftest(st);
        if (validate->parsed()) return gs::cli::run_validate(spec_path);
        if (info->parsed()) return gs::cli::run_data_info(data_what);
        return gs::cli::run_presets();
    } catch (const gs::Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    } catch (const std::bad_alloc&) {
        std::cerr << "error: out of memory\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "internal error: " << e.what() << "\n";
        return 2;
    }
}
