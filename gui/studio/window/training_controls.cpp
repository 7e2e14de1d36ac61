// The training toolbars; see training_controls.h.
#include "window/training_controls.h"

#include "gradscope/names.h"
#include "wheel_guard.h"
#include "window/steady_label.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QLocale>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStyle>
#include <cmath>

namespace gs::studio {

namespace {

// What hyperparameterChanged names: the session's id ("lr").
QString hyperparameter_id(Hyperparameter h) { return QString::fromLatin1(id_of(h)); }

}  // namespace

RateSpinBox::RateSpinBox(QWidget* parent) : QDoubleSpinBox(parent) {
    setDecimals(8);
    setKeyboardTracking(false);
}

void RateSpinBox::stepBy(int steps) {
    // 1, 2, 5 per decade.
    double v = value();
    for (int i = 0; i < std::abs(steps); ++i) {
        const double decade = std::pow(10.0, std::floor(std::log10(v > 0 ? v : minimum() > 0 ? minimum() : 1e-6)));
        const double m = v / decade;
        if (steps > 0) v = (m < 1.5 ? 2 : m < 3.5 ? 5 : 10) * decade;
        else v = (m > 6 ? 5 : m > 3 ? 2 : m > 1.5 ? 1 : 0.5) * decade;
        if (v <= 0 && minimum() == 0) v = 0;
    }
    setValue(v);
}

QString RateSpinBox::textFromValue(double value) const {
    return value == 0 ? QStringLiteral("0") : QLocale(QLocale::C).toString(value, 'g', 4);
}

double RateSpinBox::valueFromText(const QString& text) const {
    return QLocale(QLocale::C).toDouble(text.trimmed());
}

QValidator::State RateSpinBox::validate(QString& text, int&) const {
    const QString t = text.trimmed();
    if (t.isEmpty() || t == QLatin1String(".") || t.endsWith(QLatin1Char('e')) || t.endsWith(QLatin1String("e-")))
        return QValidator::Intermediate;
    bool ok = false;
    const double v = QLocale(QLocale::C).toDouble(t, &ok);
    if (!ok) return QValidator::Invalid;
    return v >= minimum() && v <= maximum() ? QValidator::Acceptable : QValidator::Intermediate;
}

TrainingControls::TrainingControls(QWidget* parent) : QToolBar(QStringLiteral("Training"), parent) {
    setObjectName(QStringLiteral("training_toolbar"));
    setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_play = addAction(style()->standardIcon(QStyle::SP_MediaPlay), QStringLiteral("Play"));
    m_play->setShortcut(Qt::Key_Space);
    m_step = addAction(style()->standardIcon(QStyle::SP_MediaSkipForward), QStringLiteral("Step"));
    m_step->setShortcuts({QKeySequence(Qt::Key_Right), QKeySequence(Qt::Key_S)});
    m_step->setToolTip(QStringLiteral("Train one batch (Right arrow or S)"));
    m_step_epoch = addAction(style()->standardIcon(QStyle::SP_MediaSeekForward), QStringLiteral("Epoch"));
    m_step_epoch->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_Right));
    m_step_epoch->setToolTip(QStringLiteral("Train to the end of the epoch (Shift+Right)"));
    m_reset = addAction(style()->standardIcon(QStyle::SP_BrowserReload), QStringLiteral("Reset"));
    m_reset->setShortcut(Qt::Key_R);
    m_reset->setToolTip(QStringLiteral("Start again from freshly drawn weights (R)"));
    m_play->setObjectName(QStringLiteral("play"));
    m_step->setObjectName(QStringLiteral("step"));
    m_step_epoch->setObjectName(QStringLiteral("epoch"));
    m_reset->setObjectName(QStringLiteral("reset"));
    addSeparator();

    m_settings = new QToolBar(QStringLiteral("Run settings"));  // the window adopts it (addToolBar)
    m_settings->setObjectName(QStringLiteral("settings_toolbar"));
    auto label = [](QToolBar* bar, const QString& text) {
        auto* l = new QLabel(text);
        l->setContentsMargins(8, 0, 3, 0);
        bar->addWidget(l);
    };
    label(this, QStringLiteral("Speed"));
    m_speed = new QComboBox;
    m_speed->setObjectName(QStringLiteral("speed"));
    m_speed->addItem(QStringLiteral("full"), 0.0);
    // Watchable paces: the 2-D sets open at 1,000 steps/s (a spiral forms in about a minute).
    for (double v : {10000.0, 5000.0, 3000.0, 2000.0, 1000.0, 100.0, 10.0, 1.0})
        m_speed->addItem(QLocale(QLocale::English).toString(v, 'f', 0) + QStringLiteral(" steps/s"), v);
    m_speed->setToolTip(QStringLiteral("Slow a run down to watch it learn (Step and Epoch always go at full speed)"));
    addWidget(m_speed);
    label(this, QStringLiteral("Learning rate"));
    m_lr = new RateSpinBox;
    m_lr->setObjectName(QStringLiteral("learning_rate"));
    m_lr->setRange(1e-8, 1e6);  // shows what a spec holds, absurd values included
    m_lr->setToolTip(QStringLiteral("Changes take effect at the next step, also while training"));
    addWidget(m_lr);
    // The epoch count, in the bar while compact (else in the status bar).
    m_bar_progress = new QLabel;
    m_bar_progress->setObjectName(QStringLiteral("bar_progress"));
    m_bar_progress->setContentsMargins(12, 0, 8, 0);
    m_bar_progress_action = addWidget(m_bar_progress);
    m_bar_progress_action->setVisible(false);

    label(m_settings, QStringLiteral("Backend"));
    m_backend = new QComboBox;
    m_backend->setObjectName(QStringLiteral("backend"));
    m_settings->addWidget(m_backend);
    label(m_settings, QStringLiteral("Seed"));
    m_seed = new QSpinBox;
    m_seed->setObjectName(QStringLiteral("seed"));
    m_seed->setRange(0, 999999);
    m_seed->setKeyboardTracking(false);
    m_seed->setToolTip(QStringLiteral("The same seed gives the same run"));
    m_settings->addWidget(m_seed);
    label(m_settings, QStringLiteral("Batch"));
    m_batch = new QSpinBox;
    m_batch->setObjectName(QStringLiteral("batch"));
    m_batch->setRange(1, 4096);
    m_batch->setKeyboardTracking(false);
    m_settings->addWidget(m_batch);
    label(m_settings, QStringLiteral("Optimizer"));
    m_optimizer = new QComboBox;
    m_optimizer->setObjectName(QStringLiteral("optimizer"));
    for (const OptimizerName& o : optimizer_table()) m_optimizer->addItem(QString::fromLatin1(o.id));
    m_optimizer->setToolTip(QStringLiteral("Switching starts the new optimizer's state from zero"));
    m_settings->addWidget(m_optimizer);
    label(m_settings, QStringLiteral("Weight decay"));
    m_decay = new RateSpinBox;
    m_decay->setObjectName(hyperparameter_id(Hyperparameter::WeightDecay));
    m_decay->setRange(0, 1);
    m_decay->setToolTip(QStringLiteral("L2 regularization (decoupled for AdamW)"));
    m_settings->addWidget(m_decay);
    // Scrolling past a field never edits it (H1).
    for (QWidget* w : std::initializer_list<QWidget*>{m_backend, m_seed, m_lr, m_batch, m_optimizer, m_decay, m_speed})
        take_wheel_only_when_focused(w);
    // The progress read-out lives in the window's status bar (see
    // progress_label()): always in view, even when the toolbar overflows.
    m_progress = new QLabel;
    m_progress->setObjectName(QStringLiteral("progress"));
    m_progress->setContentsMargins(8, 0, 8, 0);
    set_progress(0, 0, 0, 0);

    for (QAbstractSpinBox* box : std::initializer_list<QAbstractSpinBox*>{m_lr, m_decay, m_batch, m_seed})
        connect(box, &QAbstractSpinBox::editingFinished, this, &TrainingControls::editingDone);
    connect(m_lr, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        if (!m_updating) emit hyperparameterChanged(hyperparameter_id(Hyperparameter::Lr), v);
    });
    connect(m_decay, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        if (!m_updating) emit hyperparameterChanged(hyperparameter_id(Hyperparameter::WeightDecay), v);
    });
    connect(m_batch, &QSpinBox::valueChanged, this, [this](int v) {
        if (!m_updating) emit hyperparameterChanged(hyperparameter_id(Hyperparameter::BatchSize), v);
    });
    connect(m_speed, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_updating) emit hyperparameterChanged(hyperparameter_id(Hyperparameter::StepsPerSecond), speed());
    });
    connect(m_seed, &QSpinBox::valueChanged, this, [this](int v) {
        if (!m_updating) emit seedChanged(v);
    });
    connect(m_optimizer, &QComboBox::currentTextChanged, this, [this](const QString& t) {
        if (!m_updating) emit optimizerChanged(t);
    });
    connect(m_backend, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_updating) emit backendChanged(backend());
    });
}

TrainingControls::~TrainingControls() {
    if (m_settings && !m_settings->parent()) delete m_settings.data();  // never placed in a window
}

void TrainingControls::set_spec(const ModelSpec& spec) {
    m_updating = true;
    m_seed->setValue(static_cast<int>(spec.seed));
    m_lr->setValue(spec.optimizer.lr);
    m_batch->setValue(spec.batch_size);
    m_optimizer->setCurrentText(QString::fromStdString(spec.optimizer.type));
    m_decay->setValue(spec.optimizer.weight_decay);
    m_updating = false;
}

void TrainingControls::set_backends(const std::vector<BackendInfo>& backends, const QString& current) {
    m_updating = true;
    m_backend->clear();
    auto* model = qobject_cast<QStandardItemModel*>(m_backend->model());
    QStringList reasons;
    for (const auto& b : backends) {
        m_backend->addItem(QString::fromStdString(b.label), QString::fromStdString(b.name));
        const int i = m_backend->count() - 1;
        if (!b.usable) {
            if (auto* item = model ? model->item(i) : nullptr) item->setEnabled(false);
            m_backend->setItemData(i, QString::fromStdString(b.reason), Qt::ToolTipRole);
            reasons << QString::fromStdString(b.label + ": " + b.reason);
        }
    }
    const int at = m_backend->findData(current);
    m_backend->setCurrentIndex(at >= 0 ? at : 0);
    m_backend->setToolTip(reasons.isEmpty() ? QStringLiteral("Where the network trains")
                                            : reasons.join(QLatin1Char('\n')));
    m_updating = false;
}

double TrainingControls::speed() const { return m_speed->currentData().toDouble(); }

void TrainingControls::set_speed(double steps_per_second) {
    int i = m_speed->findData(steps_per_second);
    if (i < 0 && steps_per_second > 0) {  // a project's own pace: listed in order
        i = 1;
        while (i < m_speed->count() && m_speed->itemData(i).toDouble() > steps_per_second) ++i;
        m_speed->insertItem(i, QLocale(QLocale::English).toString(steps_per_second, 'f', steps_per_second < 1 ? 2 : 0) +
                                   QStringLiteral(" steps/s"),
                            steps_per_second);
    }
    m_speed->setCurrentIndex(i >= 0 ? i : 0);
}

void TrainingControls::set_compact(bool compact, bool icons_only) {
    m_compact = compact;
    setToolButtonStyle(compact && icons_only ? Qt::ToolButtonIconOnly : Qt::ToolButtonTextBesideIcon);
    m_bar_progress_action->setVisible(compact);
}

QString TrainingControls::backend() const { return m_backend->currentData().toString(); }

void TrainingControls::set_can_train(bool can, const QString& why_not) {
    m_can_train = can;
    m_why_not = why_not;
    set_state(m_state);
}

void TrainingControls::set_state(SessionState state) {
    m_state = state;
    const bool running = state == SessionState::Running;
    m_play->setText(running ? QStringLiteral("Pause") : QStringLiteral("Play"));
    m_play->setIcon(style()->standardIcon(running ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
    const bool can = m_can_train && (running || state == SessionState::Idle || state == SessionState::Paused);
    m_play->setEnabled(can);
    m_step->setEnabled(m_can_train && state != SessionState::Stopped && state != SessionState::Failed);
    m_step_epoch->setEnabled(m_step->isEnabled());
    QString tip = running ? QStringLiteral("Pause (Space)") : QStringLiteral("Train (Space)");
    if (!m_can_train) tip = QStringLiteral("Cannot train: ") + m_why_not;
    else if (state == SessionState::Stopped) tip = QStringLiteral("The run has finished — Reset (R) to train again");
    else if (state == SessionState::Failed) tip = QStringLiteral("The run failed — Reset (R) to train again");
    m_play->setToolTip(tip);
    // The structure of a run is fixed while it trains; hyperparameters are not.
    m_seed->setEnabled(!running);
    m_backend->setEnabled(!running);
}

void TrainingControls::set_progress(int epoch, long step, double samples_per_s, double seconds) {
    QLocale c(QLocale::English);
    const long s = static_cast<long>(seconds);
    const QString time = QStringLiteral("%1:%2:%3")
                             .arg(s / 3600, 2, 10, QLatin1Char('0'))
                             .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
                             .arg(s % 60, 2, 10, QLatin1Char('0'));
    // Many times a second: without relaying out the window (steady_label.h).
    set_steady_text(m_progress, QStringLiteral("Epoch %1 · Step %2 · %3 samples/s · %4")
                                    .arg(epoch)
                                    .arg(c.toString(qlonglong(step)))
                                    .arg(c.toString(qlonglong(std::llround(samples_per_s))))
                                    .arg(time));
    set_steady_text(m_bar_progress, QStringLiteral("Epoch %1 · Step %2").arg(epoch).arg(c.toString(qlonglong(step))));
}

QString TrainingControls::progress_text() const { return m_progress->text(); }
QString TrainingControls::bar_progress_text() const { return m_bar_progress->text(); }

}  // namespace gs::studio
