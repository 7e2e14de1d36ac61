// File > Export, through the bridge: the model with its current weights as a
// PyTorch project (a folder that trains it on one machine or under torchrun)
// or as an ONNX file for inference, by the exporters of gradscope_export.
// The weights are the run's as they are now (saved between steps to a
// temporary checkpoint), or the initial ones before the first step.
#pragma once

#include <QString>
#include <QStringList>

namespace gs::studio {

class SessionBridge;

struct ExportOutcome {
    bool ok = false;
    QString message;    // what was written, or why not (for people)
    QStringList files;  // written, relative to the folder (PyTorch) or the one file (ONNX)
};

// format: "pytorch" (path: a folder, made if needed) or "onnx" (path: a file).
ExportOutcome export_model(SessionBridge& bridge, const QString& format, const QString& path);
// False when this build cannot write ONNX (then export_model says how to get it).
bool can_export_onnx();

}  // namespace gs::studio
