// Exporting the studio's model through gradscope_export; see export_service.h.
#include "bridge/export_service.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QTemporaryDir>

#include "bridge/session_bridge.h"
#include "gradscope/export.h"

namespace gs::studio {

bool can_export_onnx() { return gs::onnx_export_available(); }

ExportOutcome export_model(SessionBridge& bridge, const QString& format, const QString& path) {
    ExportOutcome out;
    if (format != QLatin1String("pytorch") && format != QLatin1String("onnx")) {
        out.message = QStringLiteral("unknown export format '%1' (pytorch or onnx)").arg(format);
        return out;
    }
    if (path.trimmed().isEmpty()) {
        out.message = QStringLiteral("no file or folder to export to");
        return out;
    }
    if (!bridge.has_session()) {
        out.message = bridge.is_loading() ? QStringLiteral("the data is still opening — export in a moment")
                                          : QStringLiteral("nothing to export: the model or its data did not load");
        return out;
    }
    const ModelSpec spec = bridge.spec();
    // The weights as they are now; before the first step, the spec's initial ones.
    QTemporaryDir tmp;
    std::string checkpoint;
    const long steps = bridge.steps_done();
    if (steps > 0) {
        if (!tmp.isValid()) {
            out.message = QStringLiteral("cannot make a temporary folder for the weights: %1").arg(tmp.errorString());
            return out;
        }
        const QString ckpt = tmp.filePath(QStringLiteral("weights.safetensors"));
        if (const CommandResult r = bridge.save_checkpoint_now(ckpt); !r) {
            out.message = QStringLiteral("cannot take the current weights: %1").arg(QString::fromStdString(r.reason));
            return out;
        }
        checkpoint = ckpt.toStdString();
    }
    const QString weights = steps > 0 ? QStringLiteral("the weights of step %1").arg(QLocale(QLocale::English).toString(static_cast<qlonglong>(steps)))
                                      : QStringLiteral("the initial weights");
    try {
        if (format == QLatin1String("onnx")) {
            gs::export_onnx(spec, path.toStdString(), checkpoint);
            out.files << QFileInfo(path).fileName();
            out.message = QStringLiteral("Exported %1 as ONNX to %2, with %3").arg(QString::fromStdString(spec.name), path, weights);
        } else {
            for (const std::string& f : gs::export_pytorch(spec, path.toStdString(), checkpoint))
                out.files << QString::fromStdString(f);
            out.message = QStringLiteral("Exported %1 as a PyTorch project to %2 (%3 files), with %4 — "
                                         "train it with: python3 train.py")
                              .arg(QString::fromStdString(spec.name), path)
                              .arg(out.files.size())
                              .arg(weights);
        }
        out.ok = true;
    } catch (const std::exception& e) {
        out.message = QString::fromStdString(e.what());
    }
    return out;
}

}  // namespace gs::studio
