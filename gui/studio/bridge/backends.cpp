// The backend list, probed by the engine's registry.
#include "bridge/backends.h"

#include "gradscope/backend.h"

namespace gs::studio {

std::vector<BackendInfo> list_backends() { return probe_backends(); }

}  // namespace gs::studio
