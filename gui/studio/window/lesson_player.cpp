// The lesson player: a step's model, settings and run; the callout.
#include "window/lesson_player.h"

#include <QDockWidget>
#include <QEvent>
#include <QLabel>
#include <QMenu>
#include <QPainter>
#include <QPainterPath>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <map>

#include "bridge/classroom_service.h"
#include "bridge/session_bridge.h"
#include "canvas/network_canvas.h"
#include "data/dataset_panel.h"
#include "editor/network_editor.h"
#include "inspector/layer_inspector.h"
#include "plots/gradient_flow.h"
#include "plots/training_plot.h"
#include "window/classroom.h"
#include "window/main_window.h"
#include "window/training_controls.h"
#include "gradscope/names.h"

namespace gs::studio {

namespace {
constexpr int kArrow = 36;  // pixels from the bubble to the tip
constexpr long kFullSpeedChunk = 10;  // steps per command at full speed
QString q(const std::string& s) { return QString::fromStdString(s); }
}  // namespace

// ---- The callout ------------------------------------------------------------

LessonCallout::LessonCallout(QWidget* parent) : QFrame(parent) {
    setObjectName(QStringLiteral("lessonCallout"));
    auto* col = new QVBoxLayout(this);
    title = new QLabel;
    title->setWordWrap(true);
    text = new QLabel;
    text->setWordWrap(true);
    text->setTextFormat(Qt::PlainText);
    progress = new QLabel;
    progress->setWordWrap(true);
    bar = new QProgressBar;
    bar->setTextVisible(false);
    bar->setMaximumHeight(8);
    back = new QPushButton(QStringLiteral("◀ Back"));
    next = new QPushButton(QStringLiteral("Next ▶"));
    close = new QPushButton(QStringLiteral("End lesson"));
    auto* row = new QHBoxLayout;
    row->addWidget(back);
    row->addWidget(next);
    row->addStretch(1);
    row->addWidget(close);
    col->addWidget(title);
    col->addWidget(text);
    col->addWidget(bar);
    col->addWidget(progress);
    col->addLayout(row);
    hide();
}

void LessonCallout::set_theme(const Theme& theme) {
    m_theme = theme;
    QFont f = font();
    f.setPointSizeF(10.0 * theme.font_scale);
    setFont(f);
    QFont b = f;
    b.setBold(true);
    b.setPointSizeF(12.0 * theme.font_scale);
    title->setFont(b);
    if (m_target) point_at(m_target);
}

void LessonCallout::point_at(QWidget* target) {
    m_target = target;
    QWidget* win = parentWidget();
    if (!win) return;
    const qreal s = m_theme.font_scale;
    const int w = static_cast<int>(std::min(380.0 * s, win->width() * 0.45));
    // The room the arrow takes, on the side it leaves from.
    setContentsMargins(0, 0, 0, 0);
    layout()->setContentsMargins(14, 12, 14, 12);
    const int h = layout()->heightForWidth(w) > 0 ? layout()->heightForWidth(w) : layout()->sizeHint().height();
    QRect r = target && target->isVisible() ? QRect(target->mapTo(win, QPoint(0, 0)), target->size())
                                            : QRect(win->rect().center(), QSize(1, 1));
    const QRect area = win->rect().adjusted(4, 4, -4, -4);
    QRect bubble;
    QPoint tip;
    int side = 0;  // 0: arrow left, 1: right, 2: up, 3: down
    if (r.width() > area.width() / 2 && r.height() > h + 40) {
        // A large view (the canvas): inside its top right, pointing in.
        bubble = QRect(r.right() - w - 24, r.top() + 24, w, h);
        tip = QPoint(bubble.left() - kArrow, bubble.center().y() + h / 4);
    } else if (r.right() + kArrow + w < area.right()) {
        bubble = QRect(r.right() + kArrow, r.center().y() - h / 2, w, h);
        tip = QPoint(r.right() - 4, r.center().y());
    } else if (r.left() - kArrow - w > area.left()) {
        bubble = QRect(r.left() - kArrow - w, r.center().y() - h / 2, w, h);
        tip = QPoint(r.left() + 4, r.center().y());
        side = 1;
    } else if (r.top() - kArrow - h > area.top()) {
        bubble = QRect(r.center().x() - w / 2, r.top() - kArrow - h, w, h);
        tip = QPoint(r.center().x(), r.top() + 4);
        side = 3;
    } else {
        bubble = QRect(r.center().x() - w / 2, r.bottom() + kArrow, w, h);
        tip = QPoint(r.center().x(), r.bottom() - 4);
        side = 2;
    }
    bubble.moveLeft(std::clamp(bubble.left(), area.left(), std::max(area.left(), area.right() - w)));
    bubble.moveTop(std::clamp(bubble.top(), area.top(), std::max(area.top(), area.bottom() - h)));
    if (side == 0 || side == 1) tip.setY(std::clamp(tip.y(), bubble.top() + 12, bubble.bottom() - 12));
    const QRect all = bubble.united(QRect(tip, QSize(1, 1))).adjusted(-2, -2, 2, 2);
    setGeometry(all);
    layout()->setContentsMargins(bubble.left() - all.left() + 14, bubble.top() - all.top() + 12,
                                 all.right() - bubble.right() + 14, all.bottom() - bubble.bottom() + 12);
    m_tip = tip - all.topLeft();
    // Clicks outside the bubble and its arrow reach the views below.
    QPainterPath path;
    path.addRoundedRect(QRectF(bubble.translated(-all.topLeft())), 10, 10);
    QPolygon arrow;
    const QRect b = bubble.translated(-all.topLeft());
    const QPoint base = side == 0 ? QPoint(b.left(), std::clamp(m_tip.y(), b.top() + 12, b.bottom() - 12))
                       : side == 1 ? QPoint(b.right(), std::clamp(m_tip.y(), b.top() + 12, b.bottom() - 12))
                       : side == 2 ? QPoint(std::clamp(m_tip.x(), b.left() + 12, b.right() - 12), b.top())
                                   : QPoint(std::clamp(m_tip.x(), b.left() + 12, b.right() - 12), b.bottom());
    const QPoint across = (side <= 1) ? QPoint(0, 16) : QPoint(16, 0);
    arrow << base - across << m_tip << base + across;
    QPainterPath tri;
    tri.addPolygon(QPolygonF(arrow));
    tri.closeSubpath();
    m_shape = path.united(tri);
    setMask(QRegion(m_shape.toFillPolygon().toPolygon()).united(QRegion(b)));
    update();
}

void LessonCallout::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    QColor bg = m_theme.panel;
    bg.setAlpha(250);
    p.setPen(QPen(m_theme.marker, 2.0 * m_theme.font_scale));
    p.setBrush(bg);
    p.drawPath(m_shape);
}

// ---- The player -------------------------------------------------------------

LessonPlayer::LessonPlayer(MainWindow* window, Classroom* classroom)
    : QObject(classroom), m_window(window), m_classroom(classroom), m_callout(new LessonCallout(window)) {
    connect(m_callout->next, &QPushButton::clicked, this, &LessonPlayer::next);
    connect(m_callout->back, &QPushButton::clicked, this, &LessonPlayer::back);
    connect(m_callout->close, &QPushButton::clicked, this, &LessonPlayer::close);
    window->installEventFilter(this);
    SessionBridge* b = window->bridge();
    connect(b, &SessionBridge::sessionChanged, this, [this] {
        if (m_waiting_for_session) session_ready();
    });
    connect(b, &SessionBridge::telemetryUpdated, this, &LessonPlayer::feed);
    connect(b, &SessionBridge::breakpointHit, this, &LessonPlayer::feed);
    connect(b, &SessionBridge::stateChanged, this, &LessonPlayer::feed);
    connect(b, &SessionBridge::loadFailed, this, [this](const QString& why) {
        if (!m_waiting_for_session) return;
        m_waiting_for_session = false;
        m_note = QStringLiteral("The step's model did not open: ") + why;
        update_callout();
    });
}

bool LessonPlayer::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_window && event->type() == QEvent::Resize && m_lesson)
        QTimer::singleShot(0, this, [this] { update_callout(); });
    return false;
}

void LessonPlayer::fill_menu(QMenu* menu) {
    menu->clear();
    const QStringList names = ClassroomService::lesson_names();
    for (const QString& name : names) {
        const LessonResult r = ClassroomService::open_lesson(name);
        QAction* a = menu->addAction(r.ok() ? q(r.lesson.title) : name);
        if (r.ok() && !r.lesson.description.empty()) a->setToolTip(q(r.lesson.description));
        connect(a, &QAction::triggered, this, [this, name] { open(name); });
    }
    if (names.isEmpty()) menu->addAction(QStringLiteral("(no lessons found)"))->setEnabled(false);
    menu->setToolTipsVisible(true);
}

bool LessonPlayer::open(const QString& name_or_path) {
    const LessonResult r = ClassroomService::open_lesson(name_or_path);
    if (!r.ok() || r.lesson.steps.empty()) {
        m_error = r.ok() ? QStringLiteral("the lesson has no steps") : q(r.message());
        emit m_window->bridge()->message(QStringLiteral("Cannot open the lesson: ") + m_error);
        return false;
    }
    m_error.clear();
    m_lesson = r.lesson;
    go_to(0);
    return true;
}

void LessonPlayer::close() {
    if (m_running) m_window->bridge()->pause();
    m_lesson.reset();
    m_running = m_waiting_for_session = false;
    m_watch.reset();
    m_callout->hide();
}

void LessonPlayer::next() {
    if (m_lesson && m_index + 1 < static_cast<int>(m_lesson->steps.size())) go_to(m_index + 1);
}

void LessonPlayer::back() {
    if (m_lesson && m_index > 0) go_to(m_index - 1);
}

void LessonPlayer::go_to(int step) {
    if (!m_lesson) return;
    if (m_running) m_window->bridge()->pause();
    m_index = std::clamp(step, 0, static_cast<int>(m_lesson->steps.size()) - 1);
    m_done = m_exhausted = m_running = false;
    m_watch.reset();
    m_note.clear();
    show_step();
}

QWidget* LessonPlayer::view_widget(LessonView view) const {
    switch (view) {
    case LessonView::Canvas: return m_window->canvas();
    case LessonView::Curves: return m_window->training_plot();
    case LessonView::GradientFlow: return m_window->gradient_flow();
    case LessonView::Inspector: return m_window->inspector();
    case LessonView::Data: return m_window->data_panel();
    case LessonView::Toolbar: return m_window->controls();
    case LessonView::Editor: return m_window->editor();
    }
    return m_window->canvas();
}

void LessonPlayer::show_step() {
    const LessonStep& st = m_lesson->steps[static_cast<size_t>(m_index)];
    // The view the callout points at is shown, even in presentation mode.
    QWidget* target = view_widget(st.view);
    for (QWidget* w = target; w; w = w->parentWidget())
        if (auto* dock = qobject_cast<QDockWidget*>(w)) {
            dock->show();
            dock->raise();
        }
    update_callout();
    m_callout->show();
    m_callout->raise();
    emit stepShown(m_index);
    SessionBridge* b = m_window->bridge();
    if (st.opens_model()) {
        ModelSpec spec;
        QString why;
        if (!ClassroomService::lesson_step_spec(st, &spec, &why)) {
            m_note = QStringLiteral("The step's model cannot open: ") + why;
            update_callout();
            return;
        }
        m_waiting_for_session = true;
        m_window->open_spec(spec);
        return;
    }
    if (st.reset && b->has_session()) b->reset();
    apply_and_run();
}

void LessonPlayer::session_ready() {
    SessionBridge* b = m_window->bridge();
    if (b->is_loading() || !b->has_session()) return;
    m_waiting_for_session = false;
    apply_and_run();
}

void LessonPlayer::apply_and_run() {
    const LessonStep& st = m_lesson->steps[static_cast<size_t>(m_index)];
    SessionBridge* b = m_window->bridge();
    QStringList refused;
    auto check = [&](const CommandResult& r, const QString& what) {
        if (!r) refused << what + QStringLiteral(": ") + q(r.reason);
    };
    for (const auto& [id, value] : st.settings.hyperparameters) {
        const bool pace = id == id_of(Hyperparameter::StepsPerSecond);
        check(b->set_hyperparameter(q(id), pace && m_full_speed ? 0.0 : value), q(id));
    }
    if (m_full_speed) b->set_hyperparameter(QString::fromLatin1(id_of(Hyperparameter::StepsPerSecond)), 0.0);
    if (!st.settings.optimizer.empty()) {
        OptimizerSpec o = b->spec().optimizer;
        o.type = st.settings.optimizer;
        check(b->set_optimizer(o), QStringLiteral("optimizer"));
    }
    for (const auto& [id, value] : st.settings.breakpoints) {
        if (id == id_of(BreakpointKind::Nonfinite)) check(b->set_stop_on_nonfinite(value != 0), q(id));
        else check(b->set_breakpoint(q(id), value), q(id));
    }
    for (const ParameterEdit& e : st.set) check(m_classroom->service()->set_parameter(e), q(e.param));
    if (!refused.isEmpty()) m_note = QStringLiteral("Refused: ") + refused.join(QStringLiteral("; "));

    const std::string run = st.run.empty() ? (st.wait.any() ? "play" : "pause") : st.run;
    if (run == "trace") {
        check(m_classroom->start_step_through() ? CommandResult{} : CommandResult{false, "the trace was refused"},
              QStringLiteral("trace"));
        finish_step(true);
    } else if (run == "play" && st.wait.any()) {
        // After a reset the worker may not have applied it yet: the run starts at 0.
        const long start = st.reset ? 0 : b->steps_done();
        m_watch = std::make_unique<LessonWatch>(st.wait, start);
        m_fed_to = static_cast<double>(start);
        m_breaks_seen = b->last_break().step;
        m_running = true;
        // At full speed (rehearsals, tests) in chunks, as the headless runner
        // does, so that a wait is met within a chunk of its step.
        const CommandResult r = m_full_speed ? b->step(kFullSpeedChunk) : b->play();
        check(r, QStringLiteral("play"));
        if (!r) finish_step(false);
    } else {
        if (b->state() == SessionState::Running) b->pause();
        if (run == "play") b->play();
        finish_step(true);
    }
    update_callout();
}

void LessonPlayer::feed() {
    if (!m_running || !m_watch) return;
    SessionBridge* b = m_window->bridge();
    const TelemetryStore& store = b->store();
    std::map<double, float> acc;
    for (const SeriesPoint& p : store.accuracy().points())
        if (p.x > m_fed_to) acc[p.x] = p.mean;
    double last = m_fed_to;
    for (const SeriesPoint& p : store.loss().points()) {
        if (p.x <= m_fed_to) continue;
        const auto a = acc.find(p.x);
        m_watch->add_step(static_cast<long>(p.x), p.mean, a == acc.end() ? -1.0f : a->second);
        last = p.x;
        if (m_watch->met() || m_watch->exhausted()) break;
    }
    m_fed_to = last;
    const SessionState st = b->state();
    bool broke = false;  // the run stopped itself (a breakpoint, an error, the end)
    if (st != SessionState::Running && !b->last_break().kind.empty() && b->last_break().step != m_breaks_seen) {
        m_breaks_seen = b->last_break().step;
        m_watch->add_break(b->last_break().kind);
        broke = true;
    }
    if (m_watch->met()) finish_step(true);
    else if (m_watch->exhausted() || broke || st == SessionState::Stopped || st == SessionState::Failed)
        finish_step(false);
    else if (m_full_speed && st == SessionState::Paused && b->steps_done() <= static_cast<long>(m_fed_to))
        b->step(kFullSpeedChunk);  // the chunk is done and fed: the next one
    if (m_running) m_callout->progress->setText(progress_text());  // while training: the line only
    else update_callout();
}

void LessonPlayer::finish_step(bool met) {
    SessionBridge* b = m_window->bridge();
    if (m_running && b->state() == SessionState::Running) b->pause();
    m_running = false;
    m_done = met;
    m_exhausted = !met;
    emit stepDone(m_index);
}

QString LessonPlayer::progress_text() const {
    if (!m_lesson) return {};
    QString s = QStringLiteral("Step %1 of %2").arg(m_index + 1).arg(m_lesson->steps.size());
    if (m_watch) s += QStringLiteral(" · ") + q(m_watch->progress());
    if (m_done && m_watch) s += QStringLiteral(" · ✓");
    if (m_exhausted) s += QStringLiteral(" · not reached — try again with Back, or go on");
    if (!m_note.isEmpty()) s += QStringLiteral("\n") + m_note;
    return s;
}

void LessonPlayer::update_callout() {
    if (!m_lesson) return;
    const LessonStep& st = m_lesson->steps[static_cast<size_t>(m_index)];
    const int n = static_cast<int>(m_lesson->steps.size());
    m_callout->title->setText(QStringLiteral("%1 — %2").arg(q(m_lesson->title),
                                                            q(st.title.empty() ? "step" : st.title)));
    m_callout->text->setText(q(st.text));
    m_callout->progress->setText(progress_text());
    m_callout->bar->setRange(0, n);
    m_callout->bar->setValue(m_index + (m_done ? 1 : 0));
    m_callout->back->setEnabled(m_index > 0);
    m_callout->next->setEnabled(m_index + 1 < n);
    m_callout->point_at(view_widget(st.view));
}

void LessonPlayer::set_theme(const Theme& theme) { m_callout->set_theme(theme); }

}  // namespace gs::studio
