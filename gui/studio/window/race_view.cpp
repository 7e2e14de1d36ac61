// RaceView: a grid of network canvases, one per racing run.
#include "window/race_view.h"

#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>
#include <cmath>

#include "bridge/run_family.h"
#include "canvas/network_canvas.h"

namespace gs::studio {

RaceView::RaceView(RunFamily* family, QWidget* parent) : QWidget(parent), m_family(family) {
    setObjectName(QStringLiteral("race_view"));
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(2, 2, 2, 2);
    auto* back = new QPushButton(QStringLiteral("Back to one network"));
    back->setFocusPolicy(Qt::NoFocus);
    connect(back, &QPushButton::clicked, this, &RaceView::closeRequested);
    outer->addWidget(back, 0, Qt::AlignRight);
    m_empty = new QLabel(QStringLiteral("No race yet: drag the timeline to a step and press Race…"));
    m_empty->setAlignment(Qt::AlignCenter);
    outer->addWidget(m_empty);
    m_grid = new QGridLayout;
    m_grid->setSpacing(4);
    outer->addLayout(m_grid, 1);
    connect(m_family, &RunFamily::runUpdated, this, &RaceView::update_run);
}

void RaceView::clear() {
    for (Cell& c : m_cells) delete c.box;
    m_cells.clear();
    m_empty->show();
}

void RaceView::set_runs(const std::vector<uint32_t>& ids, const ModelSpec& spec, std::shared_ptr<const DataView> data) {
    clear();
    if (ids.empty()) return;
    m_empty->hide();
    const int columns = ids.size() <= 2 ? static_cast<int>(ids.size()) : 2;
    for (size_t i = 0; i < ids.size(); ++i) {
        Cell c;
        c.id = ids[i];
        c.box = new QWidget;
        auto* col = new QVBoxLayout(c.box);
        col->setContentsMargins(0, 0, 0, 0);
        col->setSpacing(0);
        c.title = new QLabel;
        c.title->setAlignment(Qt::AlignCenter);
        c.canvas = new NetworkCanvas;
        c.canvas->setMinimumSize(160, 120);
        c.canvas->set_model(spec);
        if (data) c.canvas->set_data(*data);
        c.canvas->set_theme(m_theme);
        col->addWidget(c.title);
        col->addWidget(c.canvas, 1);
        m_grid->addWidget(c.box, static_cast<int>(i) / columns, static_cast<int>(i) % columns);
        m_cells.push_back(c);
        update_run(c.id);
    }
}

void RaceView::update_run(uint32_t id) {
    for (Cell& c : m_cells) {
        if (c.id != id) continue;
        const RunInfo info = m_family->info(id);
        QString loss;
        if (const TelemetryStore* s = m_family->store(id); s && s->last_step().step > 0 && std::isfinite(s->last_step().loss))
            loss = QStringLiteral(" · loss %1").arg(static_cast<double>(s->last_step().loss), 0, 'g', 3);
        const QColor colour = m_theme.category(info.colour);
        c.title->setText(QStringLiteral("<span style='color:%1'>&#9632;</span> <b>%2</b> · step %L3%4")
                             .arg(colour.name(), QString::fromStdString(info.name).toHtmlEscaped())
                             .arg(m_family->steps_done(id))
                             .arg(loss));
        if (auto snap = m_family->snapshot(id)) c.canvas->update_snapshot(snap);
    }
}

QString RaceView::title(int i) const { return m_cells[static_cast<size_t>(i)].title->text(); }

void RaceView::set_theme(const Theme& theme) {
    m_theme = theme;
    for (Cell& c : m_cells) c.canvas->set_theme(theme);
}

}  // namespace gs::studio
