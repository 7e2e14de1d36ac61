// The train, presets and validate subcommands. Training runs in a Session;
// this thread only drains its telemetry and draws: a progress bar on a
// terminal, plain lines otherwise. Ctrl-C pauses, saves a checkpoint and
// exits with 130. --steps runs an exact number of steps (Session::step).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <thread>

#include "commands.h"
#include "gradscope/backend.h"
#include "gradscope/data_map.h"
#include "gradscope/error.h"
#include "gradscope/io.h"
#include "gradscope/names.h"
#include "gradscope/presets.h"
#include "gradscope/run_info.h"
#include "gradscope/session.h"
#include "gradscope/validate.h"

namespace gs::cli {

namespace {

using Clock = std::chrono::steady_clock;

std::atomic<bool> g_interrupted{false};
extern "C" void on_sigint(int) { g_interrupted = true; }

std::string percent(double acc) {
    if (acc < 0) return "  -  ";
    char b[32];
    std::snprintf(b, sizeof b, "%5.1f%%", 100.0 * acc);
    return b;
}

std::string duration(double s) {
    if (!std::isfinite(s) || s < 0) return "--:--";
    char b[32];
    const long t = static_cast<long>(s + 0.5);
    if (t >= 3600)
        std::snprintf(b, sizeof b, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        std::snprintf(b, sizeof b, "%ld:%02ld", t / 60, t % 60);
    return b;
}

std::string rate(double v) {
    char b[32];
    if (v >= 1e6) std::snprintf(b, sizeof b, "%.1fM", v / 1e6);
    else if (v >= 1e3) std::snprintf(b, sizeof b, "%.0fk", v / 1e3);
    else std::snprintf(b, sizeof b, "%.0f", v);
    return b;
}

// val_name: "val" or, where the session validates on the test split for
// want of a validation split, "test".
// Saves a checkpoint between steps and waits for it; a file that cannot be
// written is an error (the session reports it as an event).
// Only the session's "checkpoint" event for this path counts as saved: an
// error event, a refusal or no answer at all is an error.
void save_checked(Session& session, TelemetryStore& t, const std::string& path) {
    if (CommandResult r = session.save_checkpoint(path); !r)
        throw Error("could not save the checkpoint " + path + ": " + r.reason);
    const bool settled = session.wait_until_settled(600);
    session.drain(t);
    for (auto it = t.events().rbegin(); it != t.events().rend(); ++it)
        if (it->name == path && (it->kind == "checkpoint" || it->kind == "error")) {
            if (it->kind == "error") throw Error(it->text);
            return;
        }
    throw Error("could not save the checkpoint " + path + ": " +
                (settled ? "the session did not report the save"
                         : "the session did not finish the save within 10 minutes"));
}

// A run that resumes a checkpoint goes on from the run that wrote it: its
// run log names that run (the checkpoint's "run_id" and "run_name") and the
// step, and what this run changed (the checkpoint's spec is the one it
// trained with at that step). note: "; a fork of ... : lr 0.03 -> 0.1".
RunInfo resumed_run(const std::string& path, const ModelSpec& spec, std::string& note) {
    const std::map<std::string, std::string> meta = checkpoint_metadata(path);
    auto get = [&](const char* key) {
        auto it = meta.find(key);
        return it == meta.end() ? std::string() : it->second;
    };
    RunInfo run;
    run.parent_uid = get("run_id");
    run.parent_name = get("run_name");
    try {
        run.fork_step = std::stol(get("step"));
    } catch (const std::exception&) {
        run.fork_step = 0;
    }
    run.changes = spec_changes(checkpoint_spec(path), spec);
    const std::string parent = run.parent_name.empty() ? "the run that saved it" : "'" + run.parent_name + "'";
    note = run.changes.empty() ? "; going on from " + parent
                               : "; a fork of " + parent + ": " + describe_changes(run.changes);
    return run;
}

void print_epoch(const EpochRecord& e, int epochs, const char* val_name) {
    std::printf("epoch %4d/%d  step %7ld  loss %.4f  acc %s", e.epoch, epochs, e.step, e.train_loss,
                percent(e.train_accuracy).c_str());
    if (e.has_validation)
        std::printf("  %s loss %.4f  acc %s", val_name, e.val_loss, percent(e.val_accuracy).c_str());
    std::printf("  %s\n", duration(e.seconds).c_str());
}

// The gauges' last estimates in words (when they were on).
void print_gauges(const TelemetryStore& t) {
    const SharpnessRecord& s = t.last_sharpness();
    if (s.iterations > 0)
        std::printf("%s (%zu estimates, %.1f%% of the training time)\n",
                    sharpness_verdict(s.sharpness, s.lr).c_str(), t.sharpness().total_added(),
                    100.0 * s.cost_share);
    const NoiseScaleRecord& n = t.last_noise_scale();
    if (n.batch > 0)
        std::printf("%s (%zu estimates, %.1f%% of the training time)\n",
                    noise_scale_verdict(n.b_simple, n.batch).c_str(), t.noise_scale().total_added(),
                    100.0 * n.cost_share);
}

// The data map at the end: a line of counts (the likely-mislabeled count
// among them), and the per-item CSV where --data-map asks for it.
void report_data_map(Session& session, const TrainOptions& o) {
    if (!session.data_map_on()) return;
    if (CommandResult r = session.request_data_map(); !r) throw Error(r.reason);
    session.wait_until_settled(600);
    const std::shared_ptr<const DataMap> map = session.latest_data_map();
    if (!map) return;
    const DataMapSummary s = summarize_data_map(*map, 0);
    if (s.seen == 0) return;
    if (!o.quiet)
        std::printf("data map: %zu items seen: %zu easy, %zu ambiguous, %zu hard to learn; %zu forgotten "
                    "at least once, %zu never learned\n",
                    s.seen, s.easy, s.ambiguous, s.hard, s.forgotten, s.never_learned);
    std::printf("likely mislabeled: %zu of %zu training items%s\n", s.mislabeled, s.items,
                o.data_map_csv.empty() ? (o.log_dir.empty() ? " (list them with --data-map FILE.csv)" : "")
                                       : "");
    if (!o.data_map_csv.empty()) {
        write_data_map_csv(*map, o.data_map_csv);
        std::printf("wrote the data map to %s\n", o.data_map_csv.c_str());
    }
}

}  // namespace

int run_train(const TrainOptions& o) {
    // The backend asked for, or the CPU with the reason (an unknown name is an error).
    const OpenedBackend opened = open_backend(o.backend);
    if (opened.fell_back())
        std::fprintf(stderr, "gradscope: %s unavailable: %s; training on the CPU\n",
                     opened.family.c_str(), opened.reason.c_str());
    ModelSpec spec = load_model(o.model);
    if (o.epochs > 0) spec.epochs = o.epochs;
    if (o.seed >= 0) spec.seed = static_cast<uint64_t>(o.seed);
    if (o.batch > 0) spec.batch_size = o.batch;
    if (o.lr > 0) spec.optimizer.lr = static_cast<float>(o.lr);
    if (o.momentum >= 0) spec.optimizer.momentum = static_cast<float>(o.momentum);
    if (o.weight_decay >= 0) spec.optimizer.weight_decay = static_cast<float>(o.weight_decay);
    if (!o.data.empty()) spec.data = data_spec_for(o.data, spec.data);
    if (!o.data_path.empty()) spec.data.path = o.data_path;
    if (auto issues = validate_spec(spec); !issues.empty()) {
        std::string m = "the model spec has problems:";
        for (const auto& i : issues) m += "\n  " + i.str();
        throw Error(m);
    }
    PreparedData data = prepare_data(spec);
    auto count = [](const std::shared_ptr<Dataset>& d) { return d ? d->size() : size_t{0}; };
    const size_t train_items = count(data.train);
    const char* val_name = count(data.validation) ? "val" : "test";
    SessionOptions so;
    so.log_dir = o.log_dir;
    so.resume_from = o.resume;
    so.shuffle = !o.no_shuffle;
    so.log_every_step = o.log_every_step;
    so.threads = o.threads;
    so.sharpness_every = o.sharpness_every;
    so.noise_every = o.noise_every;
    so.gauge_budget = o.gauge_budget;
    so.data_map = !o.no_data_map;
    if (o.threads > 0) set_threads(o.threads);  // evaluation on this thread
    std::string fork_note;
    if (!o.resume.empty()) so.run = resumed_run(o.resume, spec, fork_note);
    Backend& backend = *opened.backend;
    std::printf("%s: %zu training, %zu validation, %zu test items; backend %s%s%s\n",
                spec.name.c_str(), train_items, count(data.validation), count(data.test),
                opened.name.c_str(), o.log_dir.empty() ? "" : "; log ", o.log_dir.c_str());
    Session session(spec, std::move(data), backend, so);
    if (!o.data_map_csv.empty() && !session.data_map_on())
        throw Error("no data map to write to " + o.data_map_csv +
                    ": it needs a classification loss (softmax or binary cross-entropy)");
    if (!o.resume.empty())
        std::printf("resumed from %s at step %ld%s\n", o.resume.c_str(), session.steps_done(),
                    fork_note.c_str());

    std::signal(SIGINT, on_sigint);
    const bool tty = isatty(STDOUT_FILENO) && !o.quiet;
    const long steps_per_epoch =
        static_cast<long>((train_items + static_cast<size_t>(spec.batch_size) - 1) / spec.batch_size);
    const long first_step = session.steps_done();
    long total_steps = steps_per_epoch * spec.epochs;
    if (o.steps > 0) total_steps = std::min(total_steps, first_step + o.steps);
    TelemetryStore t;
    if (!o.init_checkpoint.empty()) {
        save_checked(session, t, o.init_checkpoint);
        std::printf("saved the initial weights to %s\n", o.init_checkpoint.c_str());
    }
    // The last epoch taken from the store (printed or passed over), by
    // number: the store keeps only the newest epochs (it halves its list past
    // 100,000), so an index into it would stop matching.
    // Starts at the epoch the run starts from (0, or a resumed checkpoint's),
    // so epochs lost before the first drain are said to be missing too.
    int last_epoch_shown = session.last_epoch().epoch;
    const auto start = Clock::now();
    auto last_line = start;
    // --steps: exactly that many (fewer when the epochs end first), then pause.
    if (CommandResult r = o.steps > 0 ? session.step(o.steps) : session.start(); !r)
        throw Error(r.reason);
    // Prints the epochs the last drain brought. A drain brings at most half
    // the store's epoch list, so none is forgotten before it is seen.
    auto show_new_epochs = [&] {
        const auto& epochs = t.epochs();  // in epoch order
        auto first_new = std::upper_bound(
            epochs.begin(), epochs.end(), last_epoch_shown,
            [](int shown, const EpochRecord& e) { return shown < e.epoch; });
        for (auto it = first_new; it != epochs.end(); ++it) {
            const EpochRecord& e = *it;
            if (o.every_epoch && e.epoch > last_epoch_shown + 1)
                std::printf("(epochs %d to %d not shown: this display fell behind the run)\n",
                            last_epoch_shown + 1, e.epoch - 1);
            last_epoch_shown = e.epoch;
            const bool last = e.epoch == spec.epochs;
            if (o.quiet && !last) continue;
            if (!tty && !last && !o.every_epoch && Clock::now() - last_line < std::chrono::milliseconds(250))
                continue;
            if (tty) std::printf("\r\033[K");
            print_epoch(e, spec.epochs, val_name);
            last_line = Clock::now();
        }
    };
    for (;;) {
        const bool running = session.state() == SessionState::Running;
        session.drain(t);
        show_new_epochs();
        if (tty && running) {
            const StepRecord& s = t.last_step();
            const double secs = std::chrono::duration<double>(Clock::now() - start).count();
            const long done = s.step - first_step;
            const double eta = done > 0 ? secs / done * (total_steps - s.step) : NAN;
            const long in_epoch = steps_per_epoch ? s.step - static_cast<long>(s.epoch) * steps_per_epoch : 0;
            const int width = 24;
            const int filled = steps_per_epoch ? static_cast<int>(width * in_epoch / steps_per_epoch) : 0;
            std::string bar(static_cast<size_t>(std::clamp(filled, 0, width)), '#');
            bar.resize(width, '.');
            std::printf("\r\033[Kepoch %d/%d [%s] ETA %s  loss %.4f  acc %s  %s samples/s",
                        s.epoch + 1, spec.epochs, bar.c_str(), duration(eta).c_str(), s.loss,
                        percent(s.accuracy).c_str(), rate(s.samples_per_s).c_str());
        }
        std::fflush(stdout);
        if (g_interrupted) {
            session.pause();
            session.wait_until_settled(60);
            const std::string path = !o.checkpoint.empty() ? o.checkpoint
                                     : !o.log_dir.empty() ? o.log_dir + "/interrupted.safetensors"
                                                          : "gradscope-interrupted.safetensors";
            std::printf("\n");
            try {
                save_checked(session, t, path);
            } catch (const Error& e) {
                // Interrupted and nothing saved: an error, not an interruption.
                std::fflush(stdout);
                std::fprintf(stderr, "interrupted at step %ld; the checkpoint was NOT saved: %s\n",
                             session.steps_done(), e.what());
                return 1;
            }
            std::printf("interrupted at step %ld; checkpoint saved to %s (resume with --resume %s)\n",
                        session.steps_done(), path.c_str(), path.c_str());
            return 130;
        }
        if (!running && session.wait_until_settled(0.0)) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(tty ? 100 : 50));
    }
    while (session.drain(t) > 0) show_new_epochs();
    if (tty) std::printf("\r\033[K");
    // The final epoch is always printed, even if its record never reached
    // this thread (the telemetry ring drops what a slow reader leaves).
    if (const EpochRecord e = session.last_epoch(); e.epoch > last_epoch_shown) {
        if (o.every_epoch && e.epoch > last_epoch_shown + 1)
            std::printf("(epochs %d to %d not shown: this display fell behind the run)\n",
                        last_epoch_shown + 1, e.epoch - 1);
        if (o.every_epoch || !o.quiet || e.epoch == spec.epochs) print_epoch(e, spec.epochs, val_name);
    }
    const BreakInfo b = session.last_break();
    if (o.steps > 0 && session.state() == SessionState::Paused && b.kind.empty() && !o.quiet) {
        const StepRecord& s = t.last_step();
        std::printf("stopped after %ld steps (--steps)  epoch %d  loss %.4f  acc %s\n", s.step,
                    s.epoch + 1, s.loss, percent(s.accuracy).c_str());
    }
    print_gauges(t);
    if (!o.checkpoint.empty()) {
        save_checked(session, t, o.checkpoint);
        std::printf("saved checkpoint %s\n", o.checkpoint.c_str());
    }
    if (session.state() != SessionState::Failed) report_data_map(session, o);
    if (session.state() == SessionState::Failed) {
        std::fprintf(stderr, "error: %s\n", b.message.c_str());
        return 1;
    }
    if (b.kind == id_of(BreakpointKind::Nonfinite)) {
        std::fprintf(stderr, "stopped: %s\n", b.message.c_str());
        return 3;
    }
    return 0;
}

int run_presets() {
    for (const auto& n : preset_names()) {
        try {
            ModelSpec s = load_preset(n);
            std::printf("%-20s %s\n", n.c_str(), s.description.c_str());
        } catch (const Error& e) {
            std::printf("%-20s (invalid: %s)\n", n.c_str(), e.what());
        }
    }
    return 0;
}

int run_validate(const std::string& path) {
    SpecResult r = path.find('/') == std::string::npos && !path.ends_with(".json")
                       ? SpecResult{load_preset(path), {}}
                       : load_spec_file(path);
    if (!r.ok()) {
        std::cerr << r.message() << "\n";
        return 1;
    }
    std::vector<LayerInfo> info;
    validate_spec(r.spec, &info);
    size_t total = 0;
    std::printf("%-4s %-10s %-12s %10s\n", "#", "layer", "output", "params");
    std::printf("%-4s %-10s %-12s %10s\n", "", "input", r.spec.input.str().c_str(), "");
    for (size_t i = 0; i < info.size(); ++i) {
        std::printf("%-4zu %-10s %-12s %10zu\n", i + 1, r.spec.layers[i].type.c_str(),
                    info[i].out.str().c_str(), info[i].params);
        total += info[i].params;
    }
    std::printf("total parameters: %zu (%.1f KiB)\n", total, total * 4.0 / 1024.0);
    return 0;
}

}  // namespace gs::cli
