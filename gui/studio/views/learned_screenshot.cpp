// Screenshots of one view of what the network learned.
#include "views/learned_screenshot.h"

#include <QListWidget>
#include <QTabWidget>
#include <QTemporaryDir>

#include "bridge/data_map_service.h"
#include "bridge/session_bridge.h"
#include "gradscope/confusion.h"
#include "views/confusion_view.h"
#include "views/data_map_view.h"
#include "views/histograms_view.h"
#include "views/learned_views.h"
#include "window/main_window.h"
#include "window/scripted_run.h"

namespace gs::studio {

QString screenshot_learned_view(MainWindow& window, const QString& preset, long steps, const QString& view,
                                const QString& png, QSize size) {
    const bool stacked = view == QLatin1String("histograms-stacked");
    // A panel of its own at the size asked for, fed by the window's bridge
    // from the start (the histograms' history is kept from then on).
    LearnedViews shot(window.bridge());
    if (!shot.show_tab(stacked ? QStringLiteral("histograms") : view))
        return QStringLiteral("--view wants confusion, mistakes, histograms, histograms-stacked or datamap, not %1")
            .arg(view);
    shot.resize(size);
    shot.show();
    QTemporaryDir dir;
    if (QString e = screenshot_run(window, preset, steps, dir.filePath(QStringLiteral("window.png")));
        !e.isEmpty())
        return e;
    SessionBridge* b = window.bridge();
    if (view == QLatin1String("confusion")) {
        const auto pairs = most_confused_pairs(shot.confusion()->record(), 1);
        if (!pairs.empty()) shot.confusion()->select_cell(pairs[0].truth, pairs[0].predicted);
    } else if (view == QLatin1String("histograms") || stacked) {
        shot.histograms()->select(0, HistogramKind::Weights, stacked);
    } else if (view == QLatin1String("datamap")) {
        DataMapService* s = shot.data_map_service();
        if (!s->available()) return s->unavailable_reason();
        s->request();
        if (!wait_for([&] {
                b->tick();
                s->poll();
                return s->map() && s->map()->step == b->steps_done();
            }, 60000))
            return QStringLiteral("no data map of step %1 arrived").arg(b->steps_done());
        DataMapView* v = shot.data_map();
        for (QListWidget* l : {v->mislabeled_list(), v->never_learned_list(), v->forgotten_list()})
            if (l->count() > 0) {
                v->select_item(l->item(0)->data(Qt::UserRole).toInt());
                // Its list in front (a tab's page sits in the tab widget's stack).
                if (auto* tabs = qobject_cast<QTabWidget*>(l->parentWidget() ? l->parentWidget()->parentWidget() : nullptr))
                    tabs->setCurrentWidget(l);
                break;
            }
    }
    wait_for([] { return false; }, 200);
    if (!shot.grab().save(png, "PNG")) return QStringLiteral("cannot write %1").arg(png);
    return {};
}

}  // namespace gs::studio
