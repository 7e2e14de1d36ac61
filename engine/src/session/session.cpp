// Session: the worker thread, its state machine and command queue. The lock
// guards the state and the queue only; it is never held during a step, so a
// command waits at most for the worker to pick the next one up.
#include "gradscope/session.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "gradscope/data_map_accumulator.h"
#include "gradscope/error.h"
#include "gradscope/io.h"
#include "gradscope/model.h"
#include "gradscope/names.h"
#include "gradscope/optim.h"
#include "gradscope/run_log.h"
#include "gradscope/trainer.h"
#include "session/gauges.h"
#include "session/time_travel.h"
#include "session/worker.h"

namespace gs {

using Clock = std::chrono::steady_clock;

Session::Session(const ModelSpec& spec, PreparedData data, Backend& backend, SessionOptions options)
    : Session(spec, std::move(data), backend, options,
              std::make_shared<Worker>(options.threads, options.background_priority), nullptr) {}

Session::Session(const ModelSpec& spec, PreparedData data, Backend& backend, SessionOptions options,
                 std::shared_ptr<Worker> worker, std::shared_ptr<ForkHandoff> handoff)
    : m_trainer(std::make_unique<Trainer>(spec, data, backend)),
      m_opt(std::move(options)),
      m_epochs(m_opt.epochs > 0 ? m_opt.epochs : spec.epochs),
      m_backend_name(backend.name()),
      m_data(std::move(data)),
      m_core(std::move(worker)),
      m_mutex(m_core->mutex),
      m_cv(m_core->cv),
      m_settled(m_core->settled),
      m_steps(m_opt.ring_capacity),
      m_epochs_ring(1 << 16),
      m_events(4096),
      m_stats(1024) {
    m_trainer->set_check_finite(m_opt.break_on_nonfinite);
    m_trainer->set_shuffle(m_opt.shuffle);
    m_info = m_opt.run;
    if (m_info.uid.empty()) m_info.uid = new_run_uid();
    if (m_info.name.empty()) m_info.name = spec.name.empty() ? "run" : spec.name;
    if (!m_opt.resume_from.empty()) {
        gs::load_checkpoint(m_opt.resume_from, *m_trainer);
        m_steps_done = m_trainer->global_step();
        m_last_epoch.epoch = m_trainer->epoch();  // the epochs the checkpoint had ended
        m_last_epoch.step = m_trainer->global_step();
        note_progress();
    }
    m_handoff = std::move(handoff);
    if (m_handoff) {
        m_steps_done = m_info.fork_step;  // the state itself arrives in the first round
    } else if (!m_opt.log_dir.empty()) {  // a fork's log starts when its state does (adopt)
        m_log = std::make_unique<RunLog>(m_opt.log_dir, spec, m_backend_name, m_info);
        if (m_opt.log_every_step) {
            m_log->min_step_interval = std::chrono::milliseconds(0);
            m_log->min_epoch_interval = std::chrono::milliseconds(0);
        }
    }
    m_first_step = m_steps_done.load();
    start_time_travel();
    setup_data_map();
    m_started = Clock::now();
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_core->attach(this);
    }
    m_cv.notify_all();
}

Session::~Session() {
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_quit = true;
        // The worker may be in this session's round: it ends it first.
        m_settled.wait(lock, [this] { return !m_busy; });
        m_core->detach(this);
        // Forks still waiting for a state from this run will not get one.
        for (Command& c : m_queue)
            if (c.kind == Command::ForkInto) fail_handoff(*c.handoff, "the run it was forked from was closed first");
    }
    m_cv.notify_all();
    if (m_log) m_log->flush();
    // The worker thread ends with the last session that shares it (m_core).
}

// ------------------------------------------------------------- commands ----

// With m_mutex held (every command holds it).
CommandResult Session::refuse(const std::string& why) {
    EventRecord e{steps_done(), "refused", "", 0, why};
    e.run_id = m_info.id;
    m_events.push(e);
    return CommandResult{false, why};
}

CommandResult Session::enqueue(Command c) {
    m_queue.push_back(std::move(c));
    m_cv.notify_all();
    return {};
}

CommandResult Session::start() {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_state != SessionState::Idle)
        return refuse(std::string("cannot start: the session is ") + state_name(m_state) +
                      (m_state == SessionState::Paused ? " — resume it instead"
                       : m_state == SessionState::Running ? ""
                                                           : " — reset it to start again"));
    set_state(SessionState::Running);
    m_budget = 0;
    m_cv.notify_all();
    return {};
}

CommandResult Session::pause() {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_state != SessionState::Running)
        return refuse(std::string("cannot pause: the session is ") + state_name(m_state));
    m_budget = 0;
    set_state(SessionState::Paused);
    return {};
}

CommandResult Session::resume() {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_state != SessionState::Paused)
        return refuse(std::string("cannot resume: the session is ") + state_name(m_state) +
                      (m_state == SessionState::Idle ? " — start it instead" : ""));
    m_budget = 0;
    set_state(SessionState::Running);
    m_cv.notify_all();
    return {};
}

CommandResult Session::step(long n) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (n < 1) return refuse("cannot step " + std::to_string(n) + " batches: give at least 1");
    return run_budget(n, "step");
}

CommandResult Session::step_epoch() {
    std::lock_guard<std::mutex> lock(m_mutex);
    return run_budget(-1, "step an epoch");
}

CommandResult Session::run_budget(long budget, const char* what) {
    if (m_state != SessionState::Idle && m_state != SessionState::Paused)
        return refuse(std::string("cannot ") + what + ": the session is " + state_name(m_state) +
                      (m_state == SessionState::Running ? " — pause it first" : ""));
    m_budget = budget;
    set_state(SessionState::Running);
    m_cv.notify_all();
    return {};
}

CommandResult Session::stop() {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_state != SessionState::Running && m_state != SessionState::Paused)
        return refuse(std::string("cannot stop: the session is ") + state_name(m_state));
    m_budget = 0;
    m_break = BreakInfo{"stopped", "", "", steps_done(), 0, "stopped by a command"};
    m_breaks.fetch_add(1, std::memory_order_relaxed);
    set_state(SessionState::Stopped);
    return {};
}

CommandResult Session::reset() {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_break = {};  // a new run has not stopped anywhere yet
    m_budget = 0;
    set_state(SessionState::Idle);
    return enqueue(Command(Command::Reset));
}

// Whether value is one hyperparameter h can take.
static bool hyperparameter_ok(Hyperparameter h, double value) {
    if (!std::isfinite(value)) return false;
    switch (h) {
        case Hyperparameter::Lr: return value > 0;
        case Hyperparameter::Momentum: return value >= 0 && value < 1;
        case Hyperparameter::BatchSize:
            return value >= 1 && value <= kMaxBatch && value == std::floor(value);
        case Hyperparameter::StepsPerSecond:
            return value == 0 || (value >= 1e-3 && value <= 1e9);  // 0: unpaced
        case Hyperparameter::WeightDecay:
        case Hyperparameter::ClipNorm: return value >= 0;
    }
    return false;
}

CommandResult Session::set_hyperparameter(const std::string& name, double value) {
    std::lock_guard<std::mutex> lock(m_mutex);
    const HyperparameterName* h = find_hyperparameter(name);
    if (!h)
        return refuse("unknown hyperparameter '" + name + "'; use " +
                      name_list(hyperparameter_table()));
    if (!hyperparameter_ok(h->kind, value))
        return refuse("invalid " + name + " " + std::to_string(value));
    if (m_state == SessionState::Failed) return refuse("the session failed — reset it first");
    Command c(Command::Hyper);
    c.hyper = h->kind;
    c.name = name;
    c.value = value;
    return enqueue(std::move(c));
}

CommandResult Session::set_schedule(const ScheduleSpec& schedule) {
    std::lock_guard<std::mutex> lock(m_mutex);
    const std::string& t = schedule.type;
    if (!find_schedule(t))
        return refuse("unknown schedule '" + t + "'; use " + name_list(schedule_table()));
    Command c(Command::Schedule);
    c.schedule = schedule;
    return enqueue(std::move(c));
}

CommandResult Session::set_optimizer(const OptimizerSpec& o) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (std::string why = optimizer_type_problem(o.type); !why.empty()) return refuse(why);
    if (!(o.lr > 0) || !std::isfinite(o.lr)) return refuse("invalid lr " + std::to_string(o.lr));
    if (m_state == SessionState::Failed) return refuse("the session failed — reset it first");
    Command c(Command::Optimizer);
    c.optimizer = o;
    return enqueue(std::move(c));
}

CommandResult Session::set_breakpoint(const std::string& condition, double threshold) {
    std::lock_guard<std::mutex> lock(m_mutex);
    const BreakpointName* b = find_breakpoint(condition);
    if (!b)
        return refuse("unknown breakpoint '" + condition + "'; use " +
                      name_list(breakpoint_table()));
    Command c(Command::Breakpoint);
    c.breakpoint = b->kind;
    c.name = condition;
    c.value = threshold;
    return enqueue(std::move(c));
}

CommandResult Session::request_snapshot(const SnapshotRequest& request) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_state == SessionState::Failed) return refuse("the session failed — reset it first");
    if (request.grid < 0 || request.grid > SnapshotRequest::kMaxGrid)
        return refuse("a decision grid of " + std::to_string(request.grid) + " is out of range [0, " +
                      std::to_string(SnapshotRequest::kMaxGrid) + "]");
    Command c(Command::Snapshot);
    c.snapshot = request;
    return enqueue(std::move(c));
}

std::shared_ptr<const Snapshot> Session::latest_snapshot() const {
    std::lock_guard<std::mutex> lock(m_snap_mutex);
    return m_snapshot;
}

CommandResult Session::save_checkpoint(const std::string& path) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_state == SessionState::Running)
        return refuse("cannot save a checkpoint while running — pause first");
    Command c(Command::Checkpoint);
    c.name = path;
    return enqueue(std::move(c));
}

SessionState Session::state() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_state;
}

BreakInfo Session::last_break() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_break;
}

EpochRecord Session::last_epoch() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_last_epoch;
}

bool Session::wait_until_settled(double seconds) {
    std::unique_lock<std::mutex> lock(m_mutex);
    return m_settled.wait_for(lock, std::chrono::duration<double>(seconds), [this] {
        return m_state != SessionState::Running && m_queue.empty() && !m_busy && !m_handoff;
    });
}

void Session::set_state(SessionState s) {
    if (s == m_state) return;
    m_state = s;
    EventRecord e{steps_done(), "state", state_name(s), 0, std::string("the session is ") + state_name(s)};
    e.run_id = m_info.id;
    m_events.push(e);
    if (s != SessionState::Running) m_settled.notify_all();
}

// ------------------------------------------------------------ telemetry ----

// Events come from the worker and from commands: the lock makes them one
// producer at a time for the ring.
void Session::publish(EventRecord e) {
    std::lock_guard<std::mutex> lock(m_mutex);
    e.run_id = m_info.id;
    m_events.push(std::move(e));
}

size_t Session::dropped_records() const {
    return m_steps.dropped() + m_epochs_ring.dropped() + m_events.dropped() + m_stats.dropped() +
           m_sharpness_ring.dropped() + m_noise_ring.dropped();
}

// --------------------------------------------------------------- worker ----

void Session::apply(const Command& c) {
    EventRecord e{m_trainer->global_step(), "", "", 0, ""};
    switch (c.kind) {
        case Command::Reset:
            m_run.fetch_add(1, std::memory_order_release);
            m_trainer->reset();
            m_steps_done = 0;
            note_progress();
            m_reached_end = false;
            m_stats_cost_avg = 0;
            m_last_stats = {};
            m_epoch_loss = m_epoch_correct = 0;
            m_epoch_items = 0;
            m_best_val = 1e300;
            m_bad_epochs = 0;
            m_next_stats_step = 1;
            m_next_check_step = 1;
            m_confusion = Snapshot{};
            reset_data_map();
            e = {0, "reset", "", 0, "re-initialized from the seed"};
            reset_time_travel(e);  // a fork starts over from its fork step
            break;
        case Command::Hyper: {
            OptimizerSpec& o = m_trainer->optimizer().spec();
            switch (c.hyper) {
                case Hyperparameter::Lr: o.lr = static_cast<float>(c.value); break;
                case Hyperparameter::Momentum: o.momentum = static_cast<float>(c.value); break;
                case Hyperparameter::WeightDecay: o.weight_decay = static_cast<float>(c.value); break;
                case Hyperparameter::ClipNorm: o.clip_norm = static_cast<float>(c.value); break;
                case Hyperparameter::BatchSize:
                    m_trainer->set_batch_size(static_cast<int>(c.value));
                    break;
                case Hyperparameter::StepsPerSecond:
                    m_pace = c.value;
                    m_next_due = std::chrono::steady_clock::now();
                    break;
            }
            e.kind = "hyperparameter";
            e.name = c.name;
            e.value = c.value;
            e.text = c.name + " set to " + std::to_string(c.value);
            break;
        }
        case Command::Schedule:
            m_trainer->schedule() = c.schedule;
            e.kind = "hyperparameter";
            e.name = "schedule";
            e.text = "schedule set to " + c.schedule.type;
            break;
        case Command::Optimizer:
            m_trainer->optimizer().set_spec(c.optimizer);
            e.kind = "hyperparameter";
            e.name = "optimizer";
            e.text = "optimizer set to " + c.optimizer.type;
            break;
        case Command::Breakpoint:
            if (c.breakpoint == BreakpointKind::Nonfinite) {
                m_opt.break_on_nonfinite = c.value != 0;
                m_trainer->set_check_finite(m_opt.break_on_nonfinite);
    m_trainer->set_shuffle(m_opt.shuffle);
                e.kind = "breakpoint-set";
                e.name = c.name;
                e.value = c.value != 0;
                e.text = c.value != 0 ? "stop on NaN on" : "stop on NaN off";
                break;
            }
            (c.breakpoint == BreakpointKind::LossAbove       ? m_loss_above
             : c.breakpoint == BreakpointKind::GradNormAbove ? m_grad_norm_above
                                                             : m_dead_above) =
                std::isfinite(c.value) ? c.value : NAN;
            e.kind = "breakpoint-set";
            e.name = c.name;
            e.value = c.value;
            e.text = std::isfinite(c.value) ? "pause when " + c.name + " " + std::to_string(c.value)
                                            : c.name + " cleared";
            break;
        case Command::Trace: arm_trace(c.trace); return;  // step_trace.cpp
        case Command::SetParameter: apply_parameter_edit(c.edit, e); break;
        case Command::LrFind: case Command::Gauges: apply_gauges(c); return;  // gauges.cpp
        case Command::Snapshot: {
            const auto t0 = Clock::now();
            // Paused (or stopped) after epochs whose confusion pass was
            // skipped: the view gets the matrix of the step it stands at.
            if (m_confusion_behind && m_state != SessionState::Running) {
                compute_confusion(*m_trainer, m_confusion, 64);
                ++m_time_own.confusion_passes;
                m_confusion_behind = false;
            }
            std::shared_ptr<const Snapshot> snap = make_snapshot(*m_trainer, m_confusion, c.snapshot);
            {
                std::lock_guard<std::mutex> lock(m_snap_mutex);
                m_snapshot = std::move(snap);
            }
            const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
            m_time_own.snapshots_ms += ms;
            m_time_own.snapshot_min_ms = m_time_own.snapshots++ ? std::min(m_time_own.snapshot_min_ms, ms) : ms;
            publish_worker_time();
            return;
        }
        case Command::DataMap: {
            const auto t0 = Clock::now();
            publish_data_map();
            const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
            m_time_own.data_map_ms += ms;
            publish_worker_time();
            return;
        }
        case Command::Checkpoint:
            // A path that cannot be written is the user's mistake, not the
            // run's: it is reported and the session stays as it was.
            e.name = c.name;
            try {
                gs::save_checkpoint(c.name, *m_trainer, info());
                e.kind = "checkpoint";
                e.text = "saved " + c.name;
            } catch (const std::exception& ex) {
                e.kind = "error";
                e.text = std::string("could not save the checkpoint: ") + ex.what();
            }
            break;
        case Command::ShowStep:
        case Command::Rewind:
        case Command::ForkInto:
        case Command::SaveStep:
            apply_time_travel(c);
            return;
        default:
            return;
    }
    note_settings(c);  // for replays
    publish(e);
    if (m_log) m_log->write(e);
}

void Session::train_one() {
    const auto t0 = Clock::now();
    const int epoch_before = m_trainer->epoch();
    const long this_step = m_trainer->global_step() + 1;
    const bool check = m_opt.break_on_nonfinite && this_step >= m_next_check_step;
    // A breakpoint on the gradient norm needs the norm of every step.
    m_trainer->set_check_gradients(check || std::isfinite(m_grad_norm_above));
    StepResult r = m_trainer->step();
    if (m_tracer) finish_trace(r);
    if (check && !r.nonfinite) {
        const double every = m_trainer->last_gradient_check_ms() /
                             (m_opt.check_budget * std::max(m_step_ms_avg, 1e-6));
        m_next_check_step = this_step + std::max(1L, static_cast<long>(std::ceil(every)));
    }
    const auto t1 = Clock::now();
    const double ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
    if (r.nonfinite) {
        pause_on_nonfinite(r, epoch_before);
        return;
    }
    StepRecord s{r.step, r.epoch, static_cast<float>(r.loss), static_cast<float>(r.accuracy), r.lr,
                 static_cast<float>(ms), static_cast<float>(ms > 0 ? r.batch * 1000.0 / ms : 0)};
    s.run = m_run.load(std::memory_order_relaxed);
    s.run_id = m_info.id;
    // The records' and the data map's time on every 16th step (the clock
    // costs ~25 ns a reading; a spiral-tanh step is 3 us), counted 16 times.
    const bool timed = (r.step & 15) == 0;
    m_steps.push(s);
    if (m_log) m_log->write(s);
    const auto t3 = timed ? Clock::now() : t1;
    if (m_data_map) observe_data_map();
    if (timed) {
        const auto t4 = Clock::now();
        m_time_own.records_ms += 16 * std::chrono::duration<double, std::milli>(t3 - t1).count();
        if (m_data_map) m_time_own.data_map_ms += 16 * std::chrono::duration<double, std::milli>(t4 - t3).count();
    }
    m_steps_done.store(r.step, std::memory_order_relaxed);
    note_progress();
    m_step_ms_avg = m_step_ms_avg > 0 ? 0.95 * m_step_ms_avg + 0.05 * ms : ms;
    if (const double stats_ms = maybe_publish_layer_stats(r.step, r.lr); stats_ms >= 0) {
        m_time_own.stats_ms += stats_ms;
        m_time_own.stats_min_ms = m_time_own.stats_samples++ ? std::min(m_time_own.stats_min_ms, stats_ms) : stats_ms;
    }
    run_gauges(r.step, r.lr, ms);  // sharpness, noise scale when on and due (gauges.cpp)
    std::string hit;
    if (!m_dead_hit.empty()) {
        hit = m_dead_hit;
        m_dead_hit.clear();
    } else if (r.loss > m_loss_above)  // false while the condition is NaN (off)
        hit = "the loss " + std::to_string(r.loss) + " rose above " + std::to_string(m_loss_above);
    else if (r.grad_norm > m_grad_norm_above)
        hit = "the gradient norm " + std::to_string(r.grad_norm) + " rose above " +
              std::to_string(m_grad_norm_above);
    if (!hit.empty()) {
        BreakInfo b{"condition", "", "", r.step, r.epoch, hit + " at step " + std::to_string(r.step)};
        EventRecord e{r.step, "breakpoint", "condition", 0, b.message};
        publish(e);
        if (m_log) m_log->write(e);
        std::lock_guard<std::mutex> lock(m_mutex);
        m_break = b;
        m_breaks.fetch_add(1, std::memory_order_relaxed);
        m_budget = 0;
        set_state(SessionState::Paused);
    }
    m_epoch_loss += r.loss * r.batch;
    if (r.accuracy >= 0) m_epoch_correct += r.accuracy * r.batch;
    else m_epoch_regression = true;
    m_epoch_items += static_cast<size_t>(r.batch);
    if (m_opt.validate_every > 0 && r.step % m_opt.validate_every == 0) {
        Dataset* v = m_trainer->validation_data() ? m_trainer->validation_data() : m_trainer->test_data();
        if (v && v->size()) {
            EvalResult ev = m_trainer->evaluate(*v);
            EventRecord e{r.step, "validation", "loss", ev.loss, "validation loss " + std::to_string(ev.loss)};
            publish(e);
            if (m_log) m_log->write(e);
        }
    }
    if (m_trainer->epoch() != epoch_before) end_epoch();
    if (const double point_ms = after_step(); point_ms >= 0) m_time_own.restore_ms += point_ms;
    const double check_ms = check ? m_trainer->last_gradient_check_ms() : 0;
    ++m_time_own.steps;
    m_time_own.steps_ms += ms - check_ms;
    m_time_own.checks_ms += check_ms;
    m_time_own.step_min_ms = m_time_own.steps > 1 ? std::min(m_time_own.step_min_ms, ms - check_ms) : ms - check_ms;
    if (m_time_own.steps % 256 == 0) publish_worker_time();
}

void Session::publish_worker_time() {
    std::lock_guard<std::mutex> lock(m_time_mutex);
    m_time = m_time_own;
}

Session::WorkerTime Session::worker_time() const {
    std::lock_guard<std::mutex> lock(m_time_mutex);
    return m_time;
}

void Session::note_progress() {
    m_epoch_now.store(m_trainer->epoch(), std::memory_order_relaxed);
    m_epoch_position.store(m_trainer->epoch_position(), std::memory_order_relaxed);
}

EpochRecord Session::close_epoch() {
    EpochRecord e;
    e.epoch = m_trainer->epoch();
    e.step = m_trainer->global_step();
    e.train_loss = static_cast<float>(m_epoch_items ? m_epoch_loss / m_epoch_items : 0);
    e.train_accuracy = m_epoch_regression || !m_epoch_items
                           ? -1.0f
                           : static_cast<float>(m_epoch_correct / m_epoch_items);
    Dataset* v = m_trainer->validation_data() ? m_trainer->validation_data() : m_trainer->test_data();
    if (v && v->size()) {
        EvalResult ev = m_trainer->evaluate(*v);
        // The confusion matrix for the snapshots of this epoch: a second pass
        // over the split, so at most every confusion_every_ms unless a run
        // log records it or the run ends here (spiral-tanh's epochs are 25
        // steps and its test split 250 items: a pass each epoch cost the
        // studio's run a fifth of its speed). A snapshot names its step.
        const auto now = Clock::now();
        const bool due = m_log || m_confusion.confusion_step < 0 || m_trainer->epoch() >= m_epochs ||
                         std::chrono::duration<double, std::milli>(now - m_confusion_at).count() >=
                             m_opt.confusion_every_ms;
        if (v->num_classes() >= 2 && due) {
            compute_confusion(*m_trainer, m_confusion, 64);
            m_confusion_at = now;
            ++m_time_own.confusion_passes;
        }
        m_confusion_behind = v->num_classes() >= 2 && !due;
        e.has_validation = true;
        e.val_loss = static_cast<float>(ev.loss);
        e.val_accuracy = static_cast<float>(ev.accuracy);
    }
    e.seconds = std::chrono::duration<double>(Clock::now() - m_started).count();
    e.run = m_run.load(std::memory_order_relaxed);
    e.run_id = m_info.id;
    m_epochs_ring.push(e);
    if (m_log) m_log->write(e);
    log_epoch_views(m_trainer->epoch() == m_epochs);  // past the end (stop_at_end off): as any epoch
    m_epoch_loss = m_epoch_correct = 0;
    m_epoch_items = 0;
    m_epoch_regression = false;
    return e;
}

void Session::end_epoch() {
    const EpochRecord e = close_epoch();
    std::string why;
    if (m_trainer->epoch() >= m_epochs && m_opt.stop_at_end) why = "finished";
    if (m_trainer->epoch() >= m_epochs && !m_opt.stop_at_end && !m_reached_end) {
        m_reached_end = true;  // said once; the run goes on until paused
        const EventRecord r{e.step, "reached-end", "", static_cast<double>(m_epochs),
                            "reached the spec's " + std::to_string(m_epochs) +
                                " epochs; training goes on until paused"};
        publish(r);
        if (m_log) m_log->write(r);
    }
    if (why.empty() && e.has_validation && m_opt.early_stop_patience > 0) {
        if (e.val_loss < m_best_val) {
            m_best_val = e.val_loss;
            m_bad_epochs = 0;
        } else if (++m_bad_epochs >= m_opt.early_stop_patience) {
            why = "early-stop";
        }
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    m_last_epoch = e;
    if (!why.empty()) {
        m_break = BreakInfo{why, "", "", e.step, e.epoch,
                            why == "finished" ? "finished " + std::to_string(m_epochs) + " epochs"
                                              : "stopped early: no better validation loss for " +
                                                    std::to_string(m_bad_epochs) + " epochs"};
        m_breaks.fetch_add(1, std::memory_order_relaxed);
        EventRecord ev{e.step, why, "", 0, m_break.message};
        ev.run_id = m_info.id;
        m_events.push(ev);
        m_budget = 0;
        set_state(SessionState::Stopped);
    } else if (m_budget == -1) {
        m_budget = 0;
        set_state(SessionState::Paused);
    }
}

}  // namespace gs
