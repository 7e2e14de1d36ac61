// The backends this machine offers, for the studio's backend chooser: the
// CPU first, then each CUDA device, or one entry saying why there is none.
// Which backend a session trains on is the SessionBridge's business.
#pragma once

#include <vector>

#include "gradscope/backend_info.h"

namespace gs::studio {

// Every backend this build knows, probed (usable or not, with the reason).
std::vector<BackendInfo> list_backends();

}  // namespace gs::studio
