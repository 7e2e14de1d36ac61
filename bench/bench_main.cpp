// gradscope-bench: training throughput of the presets on inputs of their real
// shapes. Each case warms up, then times several windows and prints the
// median as "bench <case> <value> <unit>".
//
//   gradscope-bench [--cases a,b] [--windows N] [--seconds S] [--backend cpu]
//                   [--data-map on|off] [--cpu-time] [--subset N] [--flip N] [--epochs N]
//
// --cpu-time: rates per second of the process's CPU time rather than of wall
// time (for a machine other work loads: a session's consumer thread counts).
//
// --backend cuda (or cuda:N) without a usable GPU says why and runs on the CPU.
//
// Cases: training throughput on inputs of the presets' real shapes (the
// Fashion-MNIST ones on synthetic tensors, as the PyTorch script does), and
// for those, "<case>/real-data-cost": how much slower the same training is
// on the real dataset (in %, 12 pairs of 0.5 s windows in alternating order,
// each in a process of its own, unless --windows or --seconds say
// otherwise), when Fashion-MNIST is installed;
// "<case>/telemetry-overhead": the cost of training in a Session with all of
// its telemetry on (the data map too, unless --data-map off), against a bare
// training loop (in %), in 12 pairs of 0.5 s windows, each window in a
// process of its own (--one-window, internal), unless --windows or
// --seconds say otherwise; "<case>/telemetry-streams" (only when named): the
// same with each stream alone, and the worker's own time in each (and a
// second bare loop stepped on a thread of its own); and, only
// when named in --cases,
// "<case>/data-map-overhead" (only when named): the data map's own cost,
// a watched Session on Fashion-MNIST keeping one against one that does not;
// "<case>/data-map-step-cost": its cost per step, trainers stepped in turns;
// "<preset>/mislabeled": the data map's likely-mislabeled list against labels
// flipped on purpose (--subset, --flip, --epochs; data_map_bench.cpp).
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <string>
#include <vector>

#include "gradscope/backend.h"
#include "gradscope/error.h"
#include "gradscope/presets.h"
#include "gradscope/session.h"
#include "gradscope/trainer.h"
#include "data_map_bench.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    std::vector<std::string> cases;
    bool cpu_time = false;  // rates per second of process CPU time, not of wall time
    int windows = 5;
    double seconds = 1.0;
    bool windows_given = false, seconds_given = false;
    std::string backend = "cpu";
    bool data_map = true;  // the watched session keeps a data map
    gs::bench::MislabelOptions mislabel;
};

struct Case {
    std::string name;   // spiral-tanh/b10
    std::string preset;
    int batch;
    bool per_sample;    // samples/s rather than steps/s
    bool real_data;     // the preset's own built-in data, else synthetic
    bool named_only = false;  // run only when named in --cases (scripts/gpu-check.sh's sizes)
};

const std::vector<Case> kCases = {
    {"spiral-tanh/b10", "spiral-tanh", 10, false, true},
    {"mlp-fashion/b64", "mlp-fashion", 64, true, false},
    {"mlp-fashion/b256", "mlp-fashion", 256, true, false},
    {"cnn-fashion/b64", "cnn-fashion", 64, true, false},
    {"spiral-tanh/b64", "spiral-tanh", 64, false, true, true},
    {"spiral-tanh/b256", "spiral-tanh", 256, false, true, true},
    {"cnn-fashion/b256", "cnn-fashion", 256, true, false, true},
    {"cnn-cifar10/b64", "cnn-cifar10", 64, true, false, true},
};

std::unique_ptr<gs::Trainer> make_trainer(const Case& c, const Options& o, bool real) {
    gs::ModelSpec spec = gs::load_preset(c.preset);
    spec.batch_size = c.batch;
    gs::PreparedData data;
    if (real) {
        data = gs::prepare_data(spec);
    } else {
        gs::DataSpec d;
        d.name = "synthetic";
        d.samples = c.batch * 16;  // 16 distinct batches, as the PyTorch script
        d.test_fraction = 0;
        d.seed = 7;
        data.train = gs::make_builtin_dataset(d, spec.input, 10).train;
    }
    data.validation = data.test = nullptr;
    return std::make_unique<gs::Trainer>(spec, data, gs::backend_by_name(o.backend));
}

void warm_up(gs::Trainer& t, double seconds) {
    const auto end = Clock::now() + std::chrono::duration<double>(seconds);
    while (Clock::now() < end) t.step();
}

// Seconds since it was made: of wall time, or (cpu) of this process's CPU
// time, every thread's: on a machine others load, the CPU time a piece of
// work takes varies far less than its wall time.
struct Stopwatch {
    explicit Stopwatch(bool cpu) : m_cpu(cpu), m_wall(Clock::now()), m_cpu0(cpu_seconds()) {}
    double seconds() const {
        return m_cpu ? cpu_seconds() - m_cpu0 : std::chrono::duration<double>(Clock::now() - m_wall).count();
    }
    static double cpu_seconds() {
        timespec ts{};
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
        return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
    }

private:
    bool m_cpu;
    Clock::time_point m_wall;
    double m_cpu0;
};

bool g_cpu_time = false;  // --cpu-time: every rate below per CPU second

// Steps (or items) per second over one window.
double window(gs::Trainer& t, bool per_sample, double seconds) {
    long steps = 0, items = 0;
    const Stopwatch watch(g_cpu_time);
    const auto start = Clock::now();
    const auto end = start + std::chrono::duration<double>(seconds);
    auto now = start;
    while (now < end) {
        // Check the clock every few steps: reading it costs ~20 ns.
        for (int i = 0; i < 8; ++i) items += t.step().batch;
        steps += 8;
        now = Clock::now();
    }
    const double secs = watch.seconds();
    return (per_sample ? static_cast<double>(items) : static_cast<double>(steps)) / secs;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double run_case(const Case& c, const Options& o) {
    auto t = make_trainer(c, o, c.real_data);
    warm_up(*t, std::min(0.5, o.seconds));
    std::vector<double> rates;
    for (int w = 0; w < o.windows; ++w) rates.push_back(window(*t, c.per_sample, o.seconds));
    return median(rates);
}

// A Session trained in windows while a consumer watches it as a front end
// does: draining 10 times a second and asking for a full snapshot each time,
// and for the data map (where it keeps one) once a second.
class WatchedSession {
public:
    WatchedSession(const gs::ModelSpec& spec, gs::PreparedData data, const Options& o, bool data_map)
        : WatchedSession(spec, std::move(data), o, with_data_map(data_map), true) {}
    WatchedSession(const gs::ModelSpec& spec, gs::PreparedData data, const Options& o,
                   const gs::SessionOptions& so, bool consumer)
        : m_consumer(consumer) {
        m_session = std::make_unique<gs::Session>(spec, std::move(data), gs::backend_by_name(o.backend), so);
        m_batch = spec.batch_size;
    }
    // Items per second over one window.
    double run(double seconds) {
        gs::Session& session = *m_session;
        const long before = session.steps_done();
        const Stopwatch watch(g_cpu_time);
        const auto end = Clock::now() + std::chrono::duration<double>(seconds);
        session.state() == gs::SessionState::Idle ? session.start() : session.resume();
        // A consumer's tick every 100 ms of training time; a window that
        // ends first carries the rest of the wait over to the next window.
        for (auto now = Clock::now(); now < end; now = Clock::now()) {
            const Clock::duration wait =
                std::min(m_until_tick, std::chrono::duration_cast<Clock::duration>(end - now));
            std::this_thread::sleep_for(wait);
            m_until_tick -= wait;
            if (m_until_tick > Clock::duration::zero()) continue;
            m_until_tick = std::chrono::milliseconds(100);
            if (!m_consumer) continue;
            session.drain(m_store);
            session.request_snapshot();  // ten a second, with every part
            auto snap = session.latest_snapshot();
            if (session.data_map_on() && ++m_ticks % 10 == 0) {  // once a second
                session.request_data_map();
                auto map = session.latest_data_map();
            }
        }
        session.pause();
        session.wait_until_settled(10);
        return static_cast<double>(session.steps_done() - before) * m_batch / watch.seconds();
    }

    const gs::Session& session() const { return *m_session; }

private:
    static gs::SessionOptions with_data_map(bool on) {
        gs::SessionOptions so;
        so.data_map = on;
        return so;
    }
    std::unique_ptr<gs::Session> m_session;
    gs::TelemetryStore m_store;
    long m_ticks = 0;
    Clock::duration m_until_tick = std::chrono::milliseconds(100);
    int m_batch = 1;
    bool m_consumer = true;
};

// What the overhead cases train on: the preset's own data for the 2-D sets
// (spiral-tanh: its decision grid is part of every snapshot), synthetic
// tensors of the real shapes for the others; no validation or test split.
gs::PreparedData synthetic_data(const Case& c, const gs::ModelSpec& spec) {
    if (c.real_data) {
        gs::PreparedData data = gs::prepare_data(spec);
        data.validation = data.test = nullptr;
        return data;
    }
    gs::DataSpec d;
    d.name = "synthetic";
    d.samples = c.batch * 16;
    d.test_fraction = 0;
    d.seed = 7;
    gs::PreparedData data;
    data.train = gs::make_builtin_dataset(d, spec.input, 10).train;
    return data;
}

// The cost of one way of training against another (a bare loop), one figure
// per pair of windows, in percent, sorted. The pairs alternate their order
// (base first, then the other first): a machine that speeds up or slows
// down within a pair tilts every other pair the other way, and the median
// keeps neither.
using WindowFn = std::function<double(double)>;  // seconds -> items per second
std::vector<double> alternating_costs(const WindowFn& base, const WindowFn& other, const Options& o) {
    std::vector<double> costs;
    for (int w = 0; w < o.windows; ++w) {
        double b = 0, s = 0;
        if (w % 2 == 0) {
            b = base(o.seconds);
            s = other(o.seconds);
        } else {
            s = other(o.seconds);
            b = base(o.seconds);
        }
        costs.push_back(100.0 * (b - s) / b);
    }
    std::sort(costs.begin(), costs.end());
    return costs;
}
// The first and third quartiles of sorted costs.
std::pair<double, double> quartiles_of(const std::vector<double>& sorted) {
    return {sorted[sorted.size() / 4], sorted[(3 * sorted.size()) / 4]};
}

// Unless told otherwise, the cost cases alternate 12 pairs of 0.5 s, each
// window in a process of its own (about 1.1 s with its start and warm-up),
// rather than a throughput case's 5 windows of 1 s in one process.
Options as_pairs(const Options& o) {
    Options pairs = o;
    if (!o.windows_given) pairs.windows = 12;
    if (!o.seconds_given) pairs.seconds = 0.5;
    return pairs;
}

// The same training in a WatchedSession with every telemetry stream on at
// its default rate (per-step records, per-layer statistics on their budget,
// the data map unless --data-map off) against a bare Trainer loop, in
// alternating windows: what watching costs, in percent.
//
// Each window runs in a process of its own (this program again, with
// --one-window), which makes its one trainer or session, warms it up for
// 0.5 s and times it, as a user's studio or gradscope-train runs one. Two
// trainers in one process do not train alike: whichever is made second
// tends to be slower, by a different amount in each process (a session made
// second: 2-11% on mlp-fashion, made first: -8 to +3%, in CPU time as much
// as in wall time; docs/performance.md), which made the in-process figure
// swing by 8 points from run to run.
std::vector<std::string> g_self;  // how to run this program again: /proc/self/exe [bench]

struct ChildWindow {
    double rate = 0;               // items per second
    double own_ms = 0, steps_ms = 0;  // a session's worker: its telemetry work, its steps
};

// One window in a fresh process: "bare" (synthetic data), "real" (the
// preset's real dataset) or "watched" (synthetic, in a WatchedSession).
ChildWindow window_in_child(const Case& c, const Options& o, const char* kind, double seconds) {
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.3f", seconds);
    std::vector<std::string> args = g_self;
    for (const char* a : {"--one-window", kind}) args.push_back(a);
    for (const std::string& a : {std::string("--cases"), c.name, std::string("--seconds"), std::string(secs),
                                 std::string("--backend"), o.backend, std::string("--data-map"),
                                 std::string(o.data_map ? "on" : "off")})
        args.push_back(a);
    if (o.cpu_time) args.push_back("--cpu-time");
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int fds[2];
    if (pipe(fds) != 0) throw gs::Error(std::string("cannot make a pipe: ") + std::strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    pid_t pid = 0;
    const int err = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (err != 0) {
        close(fds[0]);
        throw gs::Error("cannot start " + args[0] + ": " + std::strerror(err));
    }
    std::string out;
    char buf[512];
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) != 0;) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    ChildWindow w;
    const size_t at = out.find("window ");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || at == std::string::npos ||
        std::sscanf(out.c_str() + at, "window %lf %lf %lf", &w.rate, &w.own_ms, &w.steps_ms) != 3 ||
        !(w.rate > 0))
        throw gs::Error("a measuring process (" + std::string(kind) + " " + c.name +
                        ") failed" +
                        (WIFEXITED(status) ? " with exit status " + std::to_string(WEXITSTATUS(status))
                                           : std::string(" on a signal")) +
                        (out.empty() ? "" : ": " + out));
    return w;
}

// The child's side: one trainer or session, warmed up, one window.
void one_window(const Case& c, const Options& o, const std::string& kind) {
    ChildWindow w;
    if (kind != "watched") {
        auto bare = make_trainer(c, o, c.real_data || kind == "real");
        warm_up(*bare, 0.5);
        w.rate = window(*bare, true, o.seconds);
    } else {
        gs::ModelSpec spec = gs::load_preset(c.preset);
        spec.batch_size = c.batch;
        spec.epochs = 1 << 30;
        WatchedSession session(spec, synthetic_data(c, spec), o, o.data_map);
        session.run(0.5);  // warm-up (and the first snapshot's confusion pass: 80 ms for cnn-fashion)
        const gs::Session::WorkerTime t0 = session.session().worker_time();
        w.rate = session.run(o.seconds);
        const gs::Session::WorkerTime t = session.session().worker_time();
        auto own_ms = [](const gs::Session::WorkerTime& x) {
            return x.checks_ms + x.stats_ms + x.restore_ms + x.data_map_ms + x.records_ms + x.snapshots_ms;
        };
        w.own_ms = own_ms(t) - own_ms(t0);
        w.steps_ms = t.steps_ms - t0.steps_ms;
    }
    std::printf("window %.3f %.4f %.4f\n", w.rate, w.own_ms, w.steps_ms);
}

struct OverheadResult {
    double median = 0;
    std::pair<double, double> quartiles;
    double worker_share = 0;  // the worker's own telemetry work, % of its steps
};
OverheadResult telemetry_overhead(const Case& c, const Options& o) {
    const Options pairs = as_pairs(o);
    double own = 0, steps = 0;
    const std::vector<double> costs = alternating_costs(
        [&](double secs) { return window_in_child(c, o, "bare", secs).rate; },
        [&](double secs) {
            const ChildWindow w = window_in_child(c, o, "watched", secs);
            own += w.own_ms;
            steps += w.steps_ms;
            return w.rate;
        },
        pairs);
    OverheadResult r;
    r.median = median(costs);
    r.quartiles = quartiles_of(costs);
    r.worker_share = steps > 0 ? 100.0 * own / steps : 0.0;
    return r;
}

// Real Fashion-MNIST (uint8, normalized, batches assembled on the loader
// thread) against synthetic float tensors of the same shape, in alternating
// pairs of windows, each in a process of its own (as telemetry-overhead's,
// and for the same reason): the cost of real data, in percent (median;
// quartiles).
double real_data_cost(const Case& c, const Options& o, std::pair<double, double>* quartiles) {
    gs::ModelSpec spec = gs::load_preset(c.preset);
    gs::prepare_data(spec);  // a dataset that is not installed: say so here, once
    const Options pairs = as_pairs(o);
    const std::vector<double> costs =
        alternating_costs([&](double secs) { return window_in_child(c, o, "bare", secs).rate; },
                          [&](double secs) { return window_in_child(c, o, "real", secs).rate; }, pairs);
    *quartiles = quartiles_of(costs);
    return median(costs);
}

// A second bare Trainer stepped on a thread of its own that waits between
// windows, as a session's worker does: what the thread alone costs.
class ThreadedLoop {
public:
    ThreadedLoop(std::unique_ptr<gs::Trainer> t) : m_trainer(std::move(t)), m_thread([this] { loop(); }) {}
    ~ThreadedLoop() {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_quit = true;
        }
        m_cv.notify_all();
        m_thread.join();
    }
    double run(double seconds) {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_seconds = seconds;
        m_cv.notify_all();
        m_cv.wait(lock, [this] { return m_seconds == 0; });
        return m_result;
    }

private:
    void loop() {
        std::unique_lock<std::mutex> lock(m_mutex);
        for (;;) {
            m_cv.wait(lock, [this] { return m_quit || m_seconds > 0; });
            if (m_quit) return;
            lock.unlock();
            const double r = window(*m_trainer, true, m_seconds);
            lock.lock();
            m_result = r;
            m_seconds = 0;
            m_cv.notify_all();
        }
    }
    std::unique_ptr<gs::Trainer> m_trainer;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    double m_seconds = 0, m_result = 0;
    bool m_quit = false;
    std::thread m_thread;
};

// Which stream costs: a Session with every stream off, then with one stream
// on at a time (each against the bare loop, in alternating windows), then all.
void telemetry_streams(const Case& c, const Options& o) {
    auto bare = make_trainer(c, o, c.real_data);
    gs::ModelSpec spec = gs::load_preset(c.preset);
    spec.batch_size = c.batch;
    spec.epochs = 1 << 30;
    gs::SessionOptions none;
    none.layer_stats = false;
    none.break_on_nonfinite = false;
    none.restore_budget = 0;
    none.data_map = false;
    struct Variant {
        const char* name;
        gs::SessionOptions so;
        bool consumer;
    };
    std::vector<Variant> variants{{"nothing on", none, false}};
    variants.push_back({"consumer (drain, snapshots 10/s)", none, true});
    variants.push_back({"layer statistics", none, false});
    variants.back().so.layer_stats = true;
    variants.push_back({"non-finite checks", none, false});
    variants.back().so.break_on_nonfinite = true;
    variants.push_back({"restore points", none, false});
    variants.back().so.restore_budget = gs::SessionOptions{}.restore_budget;
    variants.push_back({"data map", none, false});
    variants.back().so.data_map = true;
    variants.push_back({"all", gs::SessionOptions{}, true});
    warm_up(*bare, std::min(0.5, o.seconds));
    // The bare loop's step, for the sessions' own: its median over every
    // window of every variant.
    std::vector<double> bare_rates;
    const WindowFn bare_loop = [&](double secs) {
        bare_rates.push_back(window(*bare, true, secs));
        return bare_rates.back();
    };
    {
        ThreadedLoop other(make_trainer(c, o, c.real_data));
        other.run(std::min(0.5, o.seconds));  // warm-up
        const std::vector<double> costs =
            alternating_costs(bare_loop, [&](double secs) { return other.run(secs); }, o);
        std::printf("bench %s/telemetry-streams %-34s %5.1f %% (windows %.1f .. %.1f)\n", c.name.c_str(),
                    "bare loop on its own thread", median(costs), costs.front(), costs.back());
        std::fflush(stdout);
    }
    for (const Variant& v : variants) {
        WatchedSession watched(spec, synthetic_data(c, spec), o, v.so, v.consumer);
        watched.run(std::min(0.5, o.seconds));  // warm-up
        const std::vector<double> costs =
            alternating_costs(bare_loop, [&](double secs) { return watched.run(secs); }, o);
        const gs::Session::WorkerTime t = watched.session().worker_time();
        auto share = [&](double ms) { return t.steps_ms > 0 ? 100.0 * ms / t.steps_ms : 0.0; };
        std::printf("bench %s/telemetry-streams %-34s %5.1f %% (windows %.1f .. %.1f); worker's own time "
                    "on top of %ld steps: checks %.2f %%, statistics %.2f %%, restore points %.2f %%, "
                    "data map %.2f %%, records %.2f %%, snapshots %.2f %%; a step %.3f ms (least %.3f), "
                    "a statistics sample %.3f ms (least %.3f), a snapshot %.3f ms (least %.3f)\n",
                    c.name.c_str(), v.name, median(costs), costs.front(), costs.back(), t.steps,
                    share(t.checks_ms), share(t.stats_ms), share(t.restore_ms), share(t.data_map_ms),
                    share(t.records_ms), share(t.snapshots_ms), t.steps ? t.steps_ms / t.steps : 0.0,
                    t.step_min_ms, t.stats_samples ? t.stats_ms / t.stats_samples : 0.0, t.stats_min_ms,
                    t.snapshots ? t.snapshots_ms / t.snapshots : 0.0, t.snapshot_min_ms);
        std::fflush(stdout);
    }
    if (!bare_rates.empty())
        std::printf("bench %s/telemetry-streams bare loop: a step %.3f ms (median over %zu windows; the "
                    "fastest window's %.3f ms)\n",
                    c.name.c_str(), c.batch * 1000.0 / median(bare_rates), bare_rates.size(),
                    c.batch * 1000.0 / *std::max_element(bare_rates.begin(), bare_rates.end()));
}

// The data map's own cost: two watched Sessions on the real Fashion-MNIST
// (60,000 items: epochs end, the map is published once a second), one
// keeping a data map and one not, in alternating windows; in percent.
double data_map_overhead(const Case& c, const Options& o) {
    gs::ModelSpec spec = gs::load_preset(c.preset);
    spec.batch_size = c.batch;
    spec.epochs = 1 << 30;
    gs::PreparedData data = gs::prepare_data(spec);
    data.validation = data.test = nullptr;
    WatchedSession with(spec, data, o, true), without(spec, data, o, false);
    with.run(std::min(0.5, o.seconds));
    without.run(std::min(0.5, o.seconds));
    std::vector<double> costs;
    for (int w = 0; w < o.windows; ++w) {
        const double off = without.run(o.seconds);
        const double on = with.run(o.seconds);
        costs.push_back(100.0 * (off - on) / off);
    }
    return median(costs);
}

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i <= s.size()) {
        size_t j = s.find(',', i);
        if (j == std::string::npos) j = s.size();
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

}  // namespace

// The whole program, also reachable as `gradscope-train bench`.
int gs_bench_main(int argc, char** argv) {
    Options o;
    std::string one_window_kind;
    // Run again as `gradscope-train bench ...` or as this program.
    g_self = {"/proc/self/exe"};
    if (std::string(argv[0]) == "bench") g_self.push_back("bench");
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "error: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        // Numbers are read whole and range-checked: a bad one is refused (exit 2).
        auto bad = [&](const std::string& v, const char* range) {
            std::fprintf(stderr, "error: %s: %s is not %s\n", a.c_str(), v.c_str(), range);
            std::exit(2);
        };
        if (a == "--cases") o.cases = split(next());
        else if (a == "--windows") {
            const std::string v = next();
            int n = 0;
            const auto r = std::from_chars(v.data(), v.data() + v.size(), n);
            if (r.ec != std::errc() || r.ptr != v.data() + v.size() || n < 1 || n > 1000)
                bad(v, "a whole number from 1 to 1000");
            o.windows = n;
            o.windows_given = true;
        } else if (a == "--seconds") {
            const std::string v = next();
            char* end = nullptr;
            const double x = std::strtod(v.c_str(), &end);
            if (v.empty() || *end != '\0' || !(x >= 0.05) || !(x <= 3600))
                bad(v, "a number of seconds from 0.05 to 3600");
            o.seconds = x;
            o.seconds_given = true;
        }
        else if (a == "--backend") o.backend = next();
        else if (a == "--data-map") o.data_map = next() != "off";
        else if (a == "--cpu-time") o.cpu_time = true;
        else if (a == "--subset") o.mislabel.subset = static_cast<size_t>(std::max(1L, std::atol(next().c_str())));
        else if (a == "--flip") o.mislabel.flip = static_cast<size_t>(std::max(0L, std::atol(next().c_str())));
        else if (a == "--epochs") o.mislabel.epochs = std::max(1, std::atoi(next().c_str()));
        else if (a == "--verbose") o.mislabel.verbose = true;
        else if (a == "--one-window") {  // internal: the cost cases' measuring process
            one_window_kind = next();
            if (one_window_kind != "bare" && one_window_kind != "real" && one_window_kind != "watched")
                bad(one_window_kind, "bare, real or watched");
        }
        else if (a == "--list") {
            for (const auto& c : kCases)
                std::printf("%s%s\n", c.name.c_str(), c.named_only ? " (only when named)" : "");
            for (const auto& c : kCases)
                if (!c.real_data && !c.named_only) std::printf("%s/real-data-cost\n", c.name.c_str());
            std::printf("mlp-fashion/b64/telemetry-overhead\ncnn-fashion/b64/telemetry-overhead\n");
            std::printf("mlp-fashion/b64/data-map-overhead\ncnn-fashion/b64/data-map-overhead\n");
            std::printf("mlp-fashion/b64/data-map-step-cost\ncnn-fashion/b64/data-map-step-cost\n");
            std::printf("mlp-fashion/mislabeled\ncnn-fashion/mislabeled\ndata-map/60k\n");
            return 0;
        } else {
            std::fprintf(stderr,
                         "usage: gradscope-bench [--cases a,b] [--windows N] [--seconds S] "
                         "[--backend NAME] [--data-map on|off] [--cpu-time] [--subset N] [--flip N] [--epochs N] "
                         "[--verbose] [--list]\n");
            return 2;
        }
    }
    try {
        // No usable GPU: say why and measure the CPU, as the other front ends do.
        const gs::OpenedBackend opened = gs::open_backend(o.backend);
        if (opened.fell_back())
            std::fprintf(stderr, "gradscope-bench: %s unavailable: %s; running on the CPU\n",
                         opened.family.c_str(), opened.reason.c_str());
        o.backend = opened.name;
        g_cpu_time = o.cpu_time;
        if (!one_window_kind.empty()) {
            for (const auto& c : kCases)
                if (o.cases.size() == 1 && c.name == o.cases[0]) {
                    one_window(c, o, one_window_kind);
                    return 0;
                }
            std::fprintf(stderr, "error: --one-window needs --cases with one case\n");
            return 2;
        }
        for (const auto& c : kCases) {
            const bool named = std::find(o.cases.begin(), o.cases.end(), c.name) != o.cases.end();
            if ((!o.cases.empty() || c.named_only) && !named) continue;
            const double v = run_case(c, o);
            std::printf("bench %s %.0f %s\n", c.name.c_str(), v, c.per_sample ? "samples/s" : "steps/s");
            std::fflush(stdout);
        }
        for (const auto& c : kCases) {
            const std::string name = c.name + "/telemetry-overhead";
            if (c.name != "mlp-fashion/b64" && c.name != "cnn-fashion/b64") continue;
            if (!o.cases.empty() && std::find(o.cases.begin(), o.cases.end(), name) == o.cases.end())
                continue;
            const OverheadResult r = telemetry_overhead(c, o);
            std::printf("bench %s %.1f %% (data map %s%s; pairs of windows, each in a process of its own: "
                        "quartiles %.1f .. %.1f %%; the worker's own telemetry work %.2f %% of its steps' time)\n",
                        name.c_str(), r.median, o.data_map ? "on" : "off", o.cpu_time ? ", CPU time" : "",
                        r.quartiles.first, r.quartiles.second, r.worker_share);
            std::fflush(stdout);
        }
        for (const auto& c : kCases) {
            const std::string name = c.name + "/telemetry-streams";
            if (std::find(o.cases.begin(), o.cases.end(), name) != o.cases.end()) telemetry_streams(c, o);
        }
        if (std::find(o.cases.begin(), o.cases.end(), "data-map/60k") != o.cases.end()) {
            const auto c = gs::bench::measure_data_map_costs(60000, 10, 5);
            std::printf("bench data-map/60k observe an epoch %.2f ms, publish %.2f ms, summarize %.2f ms, "
                        "CSV %.1f ms; %.1f MB kept\n",
                        c.observe_epoch_ms, c.publish_ms, c.summarize_ms, c.csv_ms, c.bytes / 1e6);
            std::fflush(stdout);
        }
        for (const char* preset : {"mlp-fashion", "cnn-fashion"}) {
            const std::string name = std::string(preset) + "/mislabeled";
            if (std::find(o.cases.begin(), o.cases.end(), name) == o.cases.end()) continue;
            gs::bench::MislabelOptions m = o.mislabel;
            m.preset = preset;
            m.backend = o.backend;
            try {
                const auto r = gs::bench::run_mislabel_detection(m);
                for (const auto& e : r.epochs)
                    std::printf("bench %s epoch %d: %zu listed, precision %.1f %%, recall %.1f %%, "
                                "top-%zu precision/recall %.1f %% (%zu of %zu flipped)\n",
                                name.c_str(), e.epoch, e.listed, 100 * e.precision, 100 * e.recall, m.flip,
                                100 * e.top_n_precision, m.flip, m.subset);
            } catch (const gs::Error& e) {
                std::fprintf(stderr, "skipping %s: %s\n", name.c_str(), e.what());
            }
            std::fflush(stdout);
        }
        for (const auto& c : kCases) {
            const std::string name = c.name + "/data-map-step-cost";
            if (std::find(o.cases.begin(), o.cases.end(), name) == o.cases.end()) continue;
            const auto r = gs::bench::data_map_step_cost(c.preset, c.batch, o.backend, o.seconds, o.windows);
            std::printf("bench %s %.2f %% estimated (loss outcome rows %.2f us + observing %.2f us of a %.0f us "
                        "step); %.1f %% measured in turns\n",
                        name.c_str(), r.estimated_percent, r.loss_extra_us, r.observe_us, r.step_us,
                        r.measured_percent);
            std::fflush(stdout);
        }
        for (const auto& c : kCases) {
            const std::string name = c.name + "/data-map-overhead";
            if (std::find(o.cases.begin(), o.cases.end(), name) == o.cases.end()) continue;
            try {
                std::printf("bench %s %.1f %%%s\n", name.c_str(), data_map_overhead(c, o),
                            o.cpu_time ? " (CPU time)" : "");
            } catch (const gs::Error& e) {
                std::fprintf(stderr, "skipping %s: %s\n", name.c_str(), e.what());
            }
            std::fflush(stdout);
        }
        for (const auto& c : kCases) {
            const std::string name = c.name + "/real-data-cost";
            if (c.real_data || c.named_only || (!o.cases.empty() && std::find(o.cases.begin(), o.cases.end(),
                                                              name) == o.cases.end()))
                continue;
            try {
                std::pair<double, double> q;
                const double v = real_data_cost(c, o, &q);
                std::printf("bench %s %.1f %% (pairs of windows, each in a process of its own: quartiles "
                            "%.1f .. %.1f %%)\n",
                            name.c_str(), v,
                            q.first, q.second);
            } catch (const gs::Error& e) {
                std::fprintf(stderr, "skipping %s: %s\n", name.c_str(), e.what());
            }
            std::fflush(stdout);
        }
    } catch (const gs::Error& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}
