// Timeline: a slider over a run's steps, and the time-travel buttons.
#include "window/timeline.h"

#include "window/steady_label.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <QSlider>
#include <QVBoxLayout>
#include <algorithm>
#include <climits>

namespace gs::studio {

Timeline::Timeline(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("timeline"));
    // The slider across the whole width; the step and the buttons below it.
    auto* col = new QVBoxLayout(this);
    col->setContentsMargins(6, 2, 6, 2);
    col->setSpacing(0);
    auto* top = new QHBoxLayout;
    auto* row = new QHBoxLayout;
    col->addLayout(top);
    col->addLayout(row);
    m_slider = new QSlider(Qt::Horizontal);
    m_slider->setObjectName(QStringLiteral("timeline_slider"));
    m_slider->setRange(0, 0);
    m_slider->setToolTip(QStringLiteral("Drag to any past step: every view shows the network as it was then"));
    m_label = new QLabel;
    auto button = [this](const QString& text, const QString& tip) {
        // Tool buttons take their text's width (push buttons keep 80 px
        // each), so the dock under the curves stays narrow enough for a
        // projector's 1024 px.
        auto* b = new QToolButton(this);
        b->setText(text);
        b->setToolTip(tip);
        b->setFocusPolicy(Qt::NoFocus);
        return b;
    };
    m_live = button(QStringLiteral("Live"), QStringLiteral("Back to the newest step (L or End)"));
    m_fork = button(QStringLiteral("Fork…"), QStringLiteral("Train on from the step shown with other settings"));
    m_race = button(QStringLiteral("Race…"), QStringLiteral("Two to four forks of the step shown, trained side by side"));
    m_rewind = button(QStringLiteral("Rewind"), QStringLiteral("Rewind here: take the run back to the step shown (the steps after it are gone)"));
    m_checkpoint = button(QStringLiteral("Save…"), QStringLiteral("Save the step shown as a checkpoint file"));
    top->addWidget(new QLabel(QStringLiteral("Time")));
    top->addWidget(m_slider, 1);
    top->addWidget(m_label);
    row->addStretch(1);
    for (QToolButton* b : {m_live, m_fork, m_race, m_rewind, m_checkpoint}) row->addWidget(b);

    connect(m_slider, &QSlider::sliderMoved, this, [this](int v) { emit scrubbed(v); });
    connect(m_slider, &QSlider::sliderReleased, this, [this] { emit settled(m_slider->value()); });
    connect(m_slider, &QSlider::valueChanged, this, [this](int v) {
        if (!m_setting && !m_slider->isSliderDown()) emit settled(v);
    });
    connect(m_live, &QToolButton::clicked, this, &Timeline::liveRequested);
    connect(m_fork, &QToolButton::clicked, this, &Timeline::forkRequested);
    connect(m_race, &QToolButton::clicked, this, &Timeline::raceRequested);
    connect(m_rewind, &QToolButton::clicked, this, &Timeline::rewindRequested);
    connect(m_checkpoint, &QToolButton::clicked, this, &Timeline::checkpointRequested);
    update_label();
}

void Timeline::set_range(long first, long last) {
    m_first = first;
    m_last = std::max(first, last);
    m_setting = true;
    m_slider->setRange(static_cast<int>(std::min<long>(m_first, INT_MAX)), static_cast<int>(std::min<long>(m_last, INT_MAX)));
    if (m_shown < 0 && !m_slider->isSliderDown()) m_slider->setValue(static_cast<int>(std::min<long>(m_last, INT_MAX)));
    m_setting = false;
    update_label();
}

void Timeline::set_shown(long step) {
    m_shown = step;
    m_setting = true;
    if (!m_slider->isSliderDown())
        m_slider->setValue(static_cast<int>(std::min<long>(step >= 0 ? step : m_last, INT_MAX)));
    m_setting = false;
    m_live->setEnabled(step >= 0);
    m_rewind->setEnabled(step >= 0);
    update_label();
}

QString Timeline::label_text() const { return m_label->text(); }

void Timeline::update_label() {
    if (m_shown >= 0)
        set_steady_text(m_label, QStringLiteral("step %L1 of %L2 — L: live").arg(m_shown).arg(m_last));
    else  // many times a second while training: without relaying out the window
        set_steady_text(m_label, QStringLiteral("live, step %L1").arg(m_last));
    m_live->setEnabled(m_shown >= 0);
    m_rewind->setEnabled(m_shown >= 0);
}

}  // namespace gs::studio
