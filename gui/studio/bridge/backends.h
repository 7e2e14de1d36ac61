// The backends this machine offers, for the studio's backend chooser: the
// CPU first, then each CUDA device, or one entry saying why there is none.
// Which backend a session trains on is the SessionBridge's business.
//
// Probing CUDA may load the driver and the CUDA libraries (a second or more
// with a GPU), so the window never does it on the GUI thread: BackendProbe
// lists the quick answer at once (the CPU; CUDA "still looking for a
// driver") and probes everything on a thread of its own, then says probed().
#pragma once

#include <QObject>
#include <thread>
#include <vector>

#include "gradscope/backend_info.h"

namespace gs::studio {

class BackendProbe : public QObject {
    Q_OBJECT

public:
    explicit BackendProbe(QObject* parent = nullptr);
    ~BackendProbe() override;  // waits for the probe's thread

    // What is known now: the quick list until probed(), then every backend.
    const std::vector<BackendInfo>& backends() const { return m_backends; }
    bool done() const { return m_done; }

signals:
    void probed();

private:
    std::vector<BackendInfo> m_backends;
    bool m_done = false;
    std::thread m_thread;
};

}  // namespace gs::studio
