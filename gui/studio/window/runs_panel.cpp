// RunsPanel: the family of runs as a list with show/hide, rename, delete, make active.
#include "window/runs_panel.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QHeaderView>
#include <QPixmap>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "bridge/run_family.h"
#include "gradscope/names.h"
#include "theme.h"

namespace gs::studio {

namespace {

enum Column { Name, Steps, State };

QIcon swatch(const QColor& c) {
    QPixmap p(14, 14);
    p.fill(c);
    return QIcon(p);
}

}  // namespace

RunsPanel::RunsPanel(RunFamily* family, QWidget* parent) : QWidget(parent), m_family(family) {
    setObjectName(QStringLiteral("runs_panel"));
    auto* col = new QVBoxLayout(this);
    col->setContentsMargins(4, 4, 4, 4);
    m_list = new QTreeWidget;
    m_list->setHeaderLabels({QStringLiteral("Run"), QStringLiteral("Steps"), QStringLiteral("State")});
    m_list->setRootIsDecorated(false);
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(Name, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(Steps, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(State, QHeaderView::ResizeToContents);
    m_list->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    col->addWidget(m_list, 1);
    // Two by two, tool buttons as wide as their text: four push buttons in
    // a row made the right-hand column 346 px at its narrowest, wider than a
    // projector's window allows.
    auto* grid = new QGridLayout;
    m_activate = new QToolButton;
    m_activate->setText(QStringLiteral("Make active"));
    m_activate->setToolTip(QStringLiteral("The canvas, inspector, gradient flow and timeline follow this run"));
    m_play = new QToolButton;
    m_play->setText(QStringLiteral("Train"));
    m_pause = new QToolButton;
    m_pause->setText(QStringLiteral("Pause"));
    m_delete = new QToolButton;
    m_delete->setText(QStringLiteral("Delete"));
    int i = 0;
    for (QToolButton* b : {m_activate, m_play, m_pause, m_delete}) {
        b->setFocusPolicy(Qt::NoFocus);
        b->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        grid->addWidget(b, i / 2, i % 2);
        ++i;
    }
    col->addLayout(grid);
    m_save_states = new QCheckBox;
    col->addWidget(m_save_states);

    connect(m_list, &QTreeWidget::itemChanged, this, [this](QTreeWidgetItem* item, int column) {
        if (m_building || column != Name) return;
        // The row already shows the change: the family's runsChanged must
        // not rebuild the list under Qt's feet (the item is in use).
        const auto id = item->data(Name, Qt::UserRole).toUInt();
        const bool shown = item->checkState(Name) == Qt::Checked;
        const QString text = item->text(Name);
        m_editing = true;
        bool ok = true;
        if (shown != m_family->visible(id)) m_family->set_visible(id, shown);
        if (text != QString::fromStdString(m_family->info(id).name)) ok = static_cast<bool>(m_family->rename(id, text));
        m_editing = false;
        if (!ok) QMetaObject::invokeMethod(this, &RunsPanel::rebuild, Qt::QueuedConnection);  // the old name back
    });
    connect(m_activate, &QToolButton::clicked, this, [this] { m_family->make_active(selected_run()); });
    connect(m_play, &QToolButton::clicked, this, [this] { m_family->play(selected_run()); });
    connect(m_pause, &QToolButton::clicked, this, [this] { m_family->pause(selected_run()); });
    connect(m_delete, &QToolButton::clicked, this, [this] { m_family->remove(selected_run()); });
    connect(m_family, &RunFamily::runsChanged, this, &RunsPanel::rebuild);
    connect(m_family, &RunFamily::activeChanged, this, &RunsPanel::rebuild);
    connect(m_family, &RunFamily::runUpdated, this, &RunsPanel::update_states);
    m_states_soon.setSingleShot(true);
    connect(&m_states_soon, &QTimer::timeout, this, &RunsPanel::update_states);
    rebuild();
}

QTreeWidgetItem* RunsPanel::item_of(uint32_t id) const {
    for (int i = 0; i < m_list->topLevelItemCount(); ++i)
        if (m_list->topLevelItem(i)->data(Name, Qt::UserRole).toUInt() == id) return m_list->topLevelItem(i);
    return nullptr;
}

uint32_t RunsPanel::selected_run() const {
    const auto items = m_list->selectedItems();
    return items.isEmpty() ? m_family->active() : items.front()->data(Name, Qt::UserRole).toUInt();
}

void RunsPanel::select_run(uint32_t id) {
    if (QTreeWidgetItem* item = item_of(id)) m_list->setCurrentItem(item);
}

void RunsPanel::rebuild() {
    if (m_editing) return;
    const uint32_t keep = selected_run();
    m_building = true;
    m_list->clear();
    const Theme theme = Theme::standard();
    for (uint32_t id : m_family->ids()) {
        const RunInfo info = m_family->info(id);
        auto* item = new QTreeWidgetItem(m_list);
        item->setData(Name, Qt::UserRole, id);
        item->setFlags(item->flags() | Qt::ItemIsEditable | Qt::ItemIsUserCheckable);
        item->setText(Name, QString::fromStdString(info.name));
        item->setIcon(Name, swatch(theme.category(info.colour)));
        item->setCheckState(Name, m_family->visible(id) ? Qt::Checked : Qt::Unchecked);
        QString tip = info.is_fork() ? QStringLiteral("Forked from %1 at step %L2: %3")
                                           .arg(QString::fromStdString(info.parent_name))
                                           .arg(info.fork_step)
                                           .arg(QString::fromStdString(describe_changes(info.changes)))
                                     : QStringLiteral("The first run");
        if (m_family->listed_only(id))
            tip += QStringLiteral(" — its state was not saved with the project (tick \"Save states\" to keep it)");
        item->setToolTip(Name, tip);
        if (id == m_family->active()) {
            QFont f = item->font(Name);
            f.setBold(true);
            item->setFont(Name, f);
        }
    }
    m_building = false;
    update_states();
    select_run(keep);
    update_size_note();
}

void RunsPanel::set_state_bytes(double bytes) {
    m_state_bytes = bytes;
    update_size_note();
}

void RunsPanel::update_size_note() {
    double memory = 0;
    for (uint32_t id : m_family->ids()) memory += static_cast<double>(m_family->restore_points(id).bytes);
    const double bytes = m_state_bytes * static_cast<double>(m_family->ids().size());
    auto size = [](double b) {
        return b < 1e6 ? QStringLiteral("%1 KB").arg(b / 1e3, 0, 'f', 1) : QStringLiteral("%1 MB").arg(b / 1e6, 0, 'f', 1);
    };
    // Short: the panel shares its column with the inspector.
    m_save_states->setText(QStringLiteral("Save states (%1)").arg(size(bytes)));
    m_save_states->setToolTip(
        QStringLiteral("Saving the project always saves the tree of runs (who forked from whom, where, with what); "
                       "this also saves each run's newest state as a checkpoint (about %2 in all). The restore points (%1 in memory "
                       "now) are not saved.")
            .arg(size(memory), size(bytes)));
}

QString RunsPanel::state_text(uint32_t id) const {
    // A run of a project saved without its state: in the tree, not trainable.
    QString state = m_family->listed_only(id) ? QStringLiteral("no state")
                                               : QString::fromLatin1(state_name(m_family->state(id)));
    if (id == m_family->active()) state += QStringLiteral(" · active");
    return state;
}

QString RunsPanel::steps_text(uint32_t id) const { return QStringLiteral("%L1").arg(m_family->steps_done(id)); }

void RunsPanel::update_states_soon() {
    // A run that started, paused or finished is shown at once; only the
    // counts wait.
    bool counts = false;
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* item = m_list->topLevelItem(i);
        const auto id = item->data(Name, Qt::UserRole).toUInt();
        if (item->text(State) != state_text(id)) return update_states();
        counts = counts || item->text(Steps) != steps_text(id);
    }
    if (!counts || m_states_soon.isActive()) return;  // nothing new, or already due
    const qint64 since = m_since_states.isValid() ? m_since_states.elapsed() : kCountsEveryMs;
    if (since >= kCountsEveryMs) update_states();
    else m_states_soon.start(static_cast<int>(kCountsEveryMs - since));
}

void RunsPanel::update_states() {
    m_states_soon.stop();
    m_since_states.start();
    m_building = true;
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = m_list->topLevelItem(i);
        const auto id = item->data(Name, Qt::UserRole).toUInt();
        item->setText(Steps, steps_text(id));
        item->setText(State, state_text(id));
    }
    m_building = false;
}

}  // namespace gs::studio
