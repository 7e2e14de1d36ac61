// The backend list, probed by the engine's registry off the GUI thread.
#include "bridge/backends.h"

#include <QMetaObject>

#include "gradscope/backend.h"

namespace gs::studio {

BackendProbe::BackendProbe(QObject* parent) : QObject(parent), m_backends(probe_backends_quickly()) {
    m_thread = std::thread([this] {
        std::vector<BackendInfo> all;
        try {
            all = probe_backends();
        } catch (const std::exception& e) {  // a probe says why in its entry; this is the unforeseen
            all = probe_backends_quickly();
            for (BackendInfo& b : all)
                if (!b.usable) b.reason = std::string("the probe failed: ") + e.what();
        }
        // Delivered on the GUI thread; dropped if this object is gone by then.
        QMetaObject::invokeMethod(
            this,
            [this, all = std::move(all)]() mutable {
                m_backends = std::move(all);
                m_done = true;
                emit probed();
            },
            Qt::QueuedConnection);
    });
}

BackendProbe::~BackendProbe() {
    if (m_thread.joinable()) m_thread.join();
}

}  // namespace gs::studio
