#include "window/training_controls.h"

#include "gradscope/names.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QLocale>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStyle>
#include <cmath>

namespace gs::studio {

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
    addSeparator();

    auto label = [this](const QString& text) {
        auto* l = new QLabel(text);
        l->setContentsMargins(8, 0, 3, 0);
        addWidget(l);
    };
    label(QStringLiteral("Backend"));
    m_backend = new QComboBox;
    addWidget(m_backend);
    label(QStringLiteral("Seed"));
    m_seed = new QSpinBox;
    m_seed->setRange(0, 999999);
    m_seed->setKeyboardTracking(false);
    m_seed->setToolTip(QStringLiteral("The same seed gives the same run"));
    addWidget(m_seed);
    addSeparator();
    label(QStringLiteral("Learning rate"));
    m_lr = new RateSpinBox;
    m_lr->setObjectName(QStringLiteral("learning_rate"));
    m_lr->setRange(1e-8, 1e6);  // shows what a spec holds, absurd values included
    m_lr->setToolTip(QStringLiteral("Changes take effect at the next step, also while training"));
    addWidget(m_lr);
    label(QStringLiteral("Batch"));
    m_batch = new QSpinBox;
    m_batch->setRange(1, 4096);
    m_batch->setKeyboardTracking(false);
    addWidget(m_batch);
    label(QStringLiteral("Optimizer"));
    m_optimizer = new QComboBox;
    for (const OptimizerName& o : optimizer_table()) m_optimizer->addItem(QString::fromLatin1(o.id));
    m_optimizer->setToolTip(QStringLiteral("Switching starts the new optimizer's state from zero"));
    addWidget(m_optimizer);
    label(QStringLiteral("Weight decay"));
    m_decay = new RateSpinBox;
    m_decay->setRange(0, 1);
    m_decay->setToolTip(QStringLiteral("L2 regularization (decoupled for AdamW)"));
    addWidget(m_decay);
    label(QStringLiteral("Speed"));
    m_speed = new QComboBox;
    m_speed->setObjectName(QStringLiteral("speed"));
    m_speed->addItem(QStringLiteral("full"), 0.0);
    for (double v : {10000.0, 1000.0, 100.0, 10.0, 1.0})
        m_speed->addItem(QLocale(QLocale::English).toString(v, 'f', 0) + QStringLiteral(" steps/s"), v);
    m_speed->setToolTip(QStringLiteral("Slow a run down to watch it learn (Step and Epoch always go at full speed)"));
    addWidget(m_speed);
    // The progress read-out lives in the window's status bar (see
    // progress_label()): always in view, even when the toolbar overflows.
    m_progress = new QLabel;
    m_progress->setObjectName(QStringLiteral("progress"));
    m_progress->setContentsMargins(8, 0, 8, 0);
    set_progress(0, 0, 0, 0);

    for (QAbstractSpinBox* box : std::initializer_list<QAbstractSpinBox*>{m_lr, m_decay, m_batch, m_seed})
        connect(box, &QAbstractSpinBox::editingFinished, this, &TrainingControls::editingDone);
    connect(m_lr, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        if (!m_updating) emit hyperparameterChanged(QStringLiteral("lr"), v);
    });
    connect(m_decay, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        if (!m_updating) emit hyperparameterChanged(QStringLiteral("weight_decay"), v);
    });
    connect(m_batch, &QSpinBox::valueChanged, this, [this](int v) {
        if (!m_updating) emit hyperparameterChanged(QStringLiteral("batch_size"), v);
    });
    connect(m_speed, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_updating) emit hyperparameterChanged(QStringLiteral("steps_per_second"), speed());
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
    const int i = m_speed->findData(steps_per_second);
    m_speed->setCurrentIndex(i >= 0 ? i : 0);
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
    m_progress->setText(QStringLiteral("Epoch %1 · Step %2 · %3 samples/s · %4")
                            .arg(epoch)
                            .arg(c.toString(qlonglong(step)))
                            .arg(c.toString(qlonglong(std::llround(samples_per_s))))
                            .arg(time));
}

QString TrainingControls::progress_text() const { return m_progress->text(); }

}  // namespace gs::studio
