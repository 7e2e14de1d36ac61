// gradscope-train: train a model headless, list presets, validate a spec,
// evaluate a checkpoint, export a PyTorch project or an ONNX file, play a
// lesson.
#include <CLI/CLI.hpp>

#include <charconv>
#include <climits>
#include <cstdint>
#include <cmath>
#include <iostream>

#include "commands.h"
#include "gradscope/error.h"

int gs_bench_main(int argc, char** argv);  // bench/bench_main.cpp

namespace {

// A number above 0 and finite (a learning rate): anything else is refused
// with the reason, not ignored.
const CLI::Validator kPositiveFinite(
    [](std::string& s) -> std::string {
        double v = 0;
        if (!CLI::detail::lexical_cast(s, v)) return s + " is not a number";
        if (!(v > 0) || !std::isfinite(v))
            return "Value " + s + " not in range: give a positive, finite number";
        return {};
    },
    "POSITIVE");

// A whole number of decimal digits in [0, 2^64): "-9" is refused, not wrapped.
const CLI::Validator kUnsigned64(
    [](std::string& s) -> std::string {
        uint64_t v = 0;
        const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
        if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size())
            return "Value " + s + " not in range: give a whole number from 0 to " +
                   std::to_string(UINT64_MAX);
        return {};
    },
    "UINT64");

}  // namespace

int main(int argc, char** argv) {
    // `gradscope-train bench ...` is gradscope-bench, with its own options.
    if (argc >= 2 && std::string(argv[1]) == "bench") return gs_bench_main(argc - 1, argv + 1);

    CLI::App app{"gradscope-train: train neural networks headless and watch them learn"};
    app.footer(
        "exit status: 0 done; 1 an error (bad spec, data or file; a failed run; a failed "
        "selftest check); 2 a bad command line (an unknown option, a value out of range); "
        "3 stopped at a non-finite value; 4 selftest skipped (backend unavailable); 5 lr-find "
        "found no rate where the loss falls; 130 "
        "interrupted by Ctrl-C (a checkpoint was saved; 1 where it could not be)");
    app.require_subcommand(1);

    gs::cli::TrainOptions t;
    auto* train = app.add_subcommand("train", "train a preset or a spec file");
    train->add_option("model,-m,--model", t.model, "preset name or path to a spec JSON")
        ->capture_default_str();
    train->add_option("-d,--data", t.data, "dataset name or path (default: the spec's)");
    // Every number is checked: a value out of range is a bad command line (exit 2).
    train->add_option("-e,--epochs", t.epochs, "epochs to train (default: the spec's)")
        ->check(CLI::Range(1, INT_MAX));
    train->add_option("--batch", t.batch, "batch size (default: the spec's)")
        ->check(CLI::Range(1, gs::kMaxBatch));
    train->add_option("--lr", t.lr, "learning rate (default: the spec's)")->check(kPositiveFinite);
    train->add_option("--momentum", t.momentum, "momentum (sgd, rmsprop; default: the spec's)")
        ->check(CLI::Range(0.0, 0.999999));
    train->add_option("--weight-decay", t.weight_decay, "weight decay (default: the spec's)")
        ->check(CLI::Range(0.0, 1e9));
    train->add_option("-b,--backend", t.backend, "backend to train on")->capture_default_str();
    train->add_option("-s,--seed", t.seed, "seed (default: the spec's)")
        ->check(CLI::Range(0L, LONG_MAX));
    train->add_option("--log", t.log_dir,
                      "write a run log (run.jsonl, epochs.csv, datamap.csv) in this directory");
    train->add_option("--checkpoint,--save", t.checkpoint,
                      "write a checkpoint here at the end and on Ctrl-C");
    train->add_option("--resume,--load", t.resume,
                      "start from this checkpoint; with other settings (--lr, --batch, ...) the "
                      "run is a fork, and its run log names the run and step it was forked from");
    train->add_flag("-q,--quiet", t.quiet, "print only the final result");
    train->add_flag("--every-epoch", t.every_epoch, "print (and evaluate) every epoch");
    train->add_option("--data-path", t.data_path, "where the spec's file dataset is (data.path)");
    train->add_option("--steps", t.steps,
                      "stop after N steps (earlier if the epochs end first); the checkpoint "
                      "is written then")
        ->check(CLI::Range(1L, 1L << 40));
    train->add_option("--init-checkpoint", t.init_checkpoint,
                      "write a checkpoint of the weights before the first step");
    train->add_flag("--no-shuffle", t.no_shuffle,
                    "take the training items in their stored order every epoch");
    train->add_flag("--log-every-step", t.log_every_step,
                    "one run-log line per step (no merging of steps within 10 ms)");
    train->add_option("--threads", t.threads, "OpenMP threads to train with (default: all cores)")
        ->check(CLI::Range(1, 1024));
    auto* map_csv = train->add_option(
        "--data-map", t.data_map_csv,
        "write the data map (per training item: confidence, variability, forgetting events, "
        "region, likely mislabeled) to this CSV file at the end");
    train->add_flag("--no-data-map", t.no_data_map,
                    "keep no data map (classification runs keep one by default; the end prints "
                    "its likely-mislabeled count)")
        ->excludes(map_csv);

    train->add_option("--sharpness-every", t.sharpness_every,
                      "estimate the sharpness (top Hessian eigenvalue, against 2/lr) every N steps")
        ->check(CLI::Range(1L, 1L << 40));
    train->add_option("--noise-every", t.noise_every,
                      "estimate the gradient noise scale (critical batch size) every N steps")
        ->check(CLI::Range(1L, 1L << 40));
    train->add_option("--gauge-budget", t.gauge_budget,
                      "the most of the training time each gauge may take (they run less often)")
        ->check(CLI::Range(0.001, 10.0))
        ->capture_default_str();

    gs::cli::LrFindOptions lf;
    auto* lrfind = app.add_subcommand(
        "lr-find", "learning-rate range test: loss against an exponentially rising rate, a suggestion");
    lrfind->add_option("model", lf.model, "preset name or path to a spec JSON")->required();
    lrfind->add_option("--resume,--load", lf.resume, "from this checkpoint (default: the initial weights)");
    lrfind->add_option("--lr-min", lf.lr_min, "lowest rate")->capture_default_str();
    lrfind->add_option("--lr-max", lf.lr_max, "highest rate")->capture_default_str();
    lrfind->add_option("--steps", lf.steps, "steps over the range")->capture_default_str();
    lrfind->add_option("--explode", lf.explode, "stop when the smoothed loss passes this x its lowest")
        ->capture_default_str();
    lrfind->add_option("--batch", lf.batch, "batch size (default: the spec's)");
    lrfind->add_option("--csv", lf.csv, "write the curve (lr,loss,smoothed) to this file");
    lrfind->add_option("--log", lf.log_dir, "write a run log with the range test in this directory");
    lrfind->add_option("-b,--backend", lf.backend, "backend")->capture_default_str();
    lrfind->add_option("--data-path", lf.data_path, "where the spec's file dataset is (data.path)");
    lrfind->add_flag("-q,--quiet", lf.quiet, "print only the suggestion");
    lrfind->add_option("--threads", lf.threads, "OpenMP threads (default: all cores)")
        ->check(CLI::Range(1, 1024));

    gs::cli::EvaluateOptions ev;
    auto* evaluate = app.add_subcommand(
        "evaluate", "loss and accuracy of a checkpoint on its data (test split by default)");
    evaluate->add_option("checkpoint", ev.checkpoint, "a Gradscope checkpoint (.safetensors)")
        ->required();
    evaluate->add_option("-m,--model", ev.model,
                         "preset or spec JSON (default: the spec stored in the checkpoint)");
    evaluate->add_option("--split", ev.split, "which split")
        ->check(CLI::IsMember({"test", "validation", "train"}))
        ->capture_default_str();
    evaluate->add_option("--data-path", ev.data_path, "where the spec's file dataset is (data.path)");
    evaluate->add_option("-b,--backend", ev.backend, "backend to run on")->capture_default_str();
    evaluate->add_option("--threads", ev.threads, "OpenMP threads (default: all cores)")
        ->check(CLI::Range(1, 1024));

    gs::cli::ExportOptions ex;
    auto* exp = app.add_subcommand(
        "export", "write a PyTorch project (DDP under torchrun) or an ONNX file for inference");
    exp->add_option("model", ex.model, "preset name or path to a spec JSON")->required();
    exp->add_option("--to", ex.to, "pytorch (a project directory) or onnx (a .onnx file)")
        ->required()
        ->check(CLI::IsMember({"pytorch", "onnx"}));
    exp->add_option("out", ex.out, "the project directory, or the .onnx file")->required();
    exp->add_option("--checkpoint", ex.checkpoint,
                    "the weights to export (default: the initial weights from the spec's seed)");
    exp->add_option("--data-path", ex.data_path, "where the spec's file dataset is (data.path)");

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
        ->capture_default_str()
        ->check(CLI::Range(0, 1000000));
    selftest->add_option("-s,--seed", st.seed, "seed of the inputs")
        ->capture_default_str()
        ->check(kUnsigned64);

    gs::cli::LessonOptions lo;
    auto* lesson = app.add_subcommand(
        "lesson", "play a lesson headless, step by step, waiting for each step's condition");
    lesson->add_option("lesson", lo.file, "a lesson file, or the name of a shipped lesson");
    lesson->add_flag("--check", lo.check, "read and check the lesson (its models and data) without training");
    lesson->add_flag("--list", lo.list, "list the shipped lessons");
    lesson->add_flag("-q,--quiet", lo.quiet, "print only failures and the summary");
    lesson->add_option("-b,--backend", lo.backend, "backend to train on")->capture_default_str();
    lesson->add_option("--threads", lo.threads, "OpenMP threads (default: all cores)")
        ->check(CLI::Range(1, 1024));

    std::string data_what;
    auto* data = app.add_subcommand("data", "look at datasets");
    data->require_subcommand(1);
    auto* info = data->add_subcommand("info", "items per split, shapes, classes and balance");
    info->add_option("dataset", data_what, "fashion-mnist, a built-in set, or a path")->required();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help prints and exits 0; anything else is a bad command line: 2.
        return app.exit(e) == 0 ? 0 : 2;
    }
    try {
        if (evaluate->parsed()) return gs::cli::run_evaluate(ev);
        if (exp->parsed()) return gs::cli::run_export(ex);
        if (train->parsed()) return gs::cli::run_train(t);
        if (lrfind->parsed()) return gs::cli::run_lr_find(lf);
        if (selftest->parsed()) return gs::cli::run_selftest(st);
        if (validate->parsed()) return gs::cli::run_validate(spec_path);
        if (info->parsed()) return gs::cli::run_data_info(data_what);
        if (lesson->parsed()) return gs::cli::run_lesson_command(lo);
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
