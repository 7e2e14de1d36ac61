// export_pytorch: writes a small PyTorch project for a spec. The Python files
// are the embedded ones of export/pytorch and python/gradscope; what depends
// on the spec is generated: config.py (every setting, defaults filled in),
// model.py's class Net, spec.json, the starting weights and, for the built-in
// 2-D sets, their points (data.safetensors), so both sides train on the same.
#include <algorithm>
#include <filesystem>
#include <system_error>

#include "export_detail.h"
#include "gradscope/backend.h"
#include "gradscope/data_files.h"
#include "gradscope/data_pipeline.h"
#include "gradscope/dataset.h"
#include "gradscope/error.h"
#include "gradscope/export.h"
#include "gradscope/input_features.h"
#include "gradscope/io.h"
#include "gradscope/model.h"
#include "gradscope/optim.h"
#include "gradscope/validate.h"

namespace gs {

namespace fs = std::filesystem;
using namespace export_detail;

namespace {

std::string embedded(const std::string& name) {
    for (const auto& f : embedded_python_files())
        if (name == f.name) return f.text;
    throw Error("internal: the exporter has no embedded file '" + name + "'");
}

void replace_all(std::string& s, const std::string& what, const std::string& with) {
    for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + with.size()))
        s.replace(at, what.size(), with);
}

std::string py_bool(bool b) { return b ? "True" : "False"; }

std::string config_source(const ModelSpec& spec, const Shape& out, const std::string& start) {
    const OptimizerSpec& o = spec.optimizer;
    const ScheduleSpec& sc = spec.schedule;
    const DataSpec& d = spec.data;
    std::string in;
    for (int i = 0; i < spec.input.rank; ++i) {
        if (i) in += ", ";
        in += std::to_string(spec.input[i]);
    }
    std::string s =
        "\"\"\"Every setting of " + py_str(spec.name) +
        ", with Gradscope's defaults filled in (written by\n`gradscope-train export`; spec.json "
        "is the same spec in Gradscope's format).\n\nGradscope keeps the real-valued settings as "
        "float32; f32() rounds them the same way here.\n\"\"\"\nimport numpy as np\n\n\n"
        "def f32(x):\n    return float(np.float32(x))\n\n\n";
    s += "NAME = " + py_str(spec.name) + "\n";
    s += "INPUT_SHAPE = (" + in + (spec.input.rank == 1 ? ",)\n" : ")\n");
    s += "OUTPUT_SIZE = " + std::to_string(out.numel()) + "\n";
    s += "LOSS = " + py_str(spec.loss) + "  # softmax_cross_entropy, binary_cross_entropy or mse\n";
    s += "BATCH_SIZE = " + std::to_string(spec.batch_size) + "\n";
    s += "EPOCHS = " + std::to_string(spec.epochs) + "\n";
    s += "SEED = " + std::to_string(spec.seed) + "\n";
    s += "START = " + py_str(start) + "  # the checkpoint train.py starts from\n\n";
    s += "OPTIMIZER = dict(\n    type=" + py_str(o.type) + ", lr=" + py_f32(o.lr) +
         ", momentum=" + py_f32(o.momentum) + ", nesterov=" + py_bool(o.nesterov) +
         ",\n    beta1=" + py_f32(o.beta1) + ", beta2=" + py_f32(o.beta2) + ", eps=" +
         py_f32(o.eps) + ", alpha=" + py_f32(o.alpha) + ",\n    weight_decay=" +
         py_f32(o.weight_decay) + ",  # on Dense and Conv2D weights only (decoupled for adamw)\n"
         "    clip_norm=" + py_f32(o.clip_norm) + ",  # global gradient L2 norm; 0: off\n)\n";
    s += "SCHEDULE = dict(\n    type=" + py_str(sc.type) + ", step_size=" +
         std::to_string(sc.step_size) + ", gamma=" + py_f32(sc.gamma) + ", total_steps=" +
         std::to_string(sc.total_steps) + ",\n    min_lr=" + py_f32(sc.min_lr) +
         ", warmup_steps=" + std::to_string(sc.warmup_steps) + ",\n)\n";
    s += "DATA = dict(\n    name=" + py_str(d.name) + ", path=" + py_str(d.path) + ",\n" +
         "    samples=" + std::to_string(d.samples) + ", noise=" + py_f32(d.noise) +
         ", test_fraction=" + py_f32(d.test_fraction) + ",\n    validation_fraction=" +
         py_f32(d.validation_fraction) + ", seed=" + std::to_string(d.seed) + ", limit=" +
         std::to_string(d.limit) + ", test_limit=" + std::to_string(d.test_limit) +
         ",\n    normalize=" + py_bool(d.normalize) + ", augment_flip=" + py_bool(d.augment_flip) +
         ", augment_crop_padding=" + std::to_string(d.augment_crop_padding) +
         ",\n    label_column=" + py_str(d.label_column) + ", image_size=" +
         std::to_string(d.image_size) + ", grayscale=" + py_bool(d.grayscale) + ",\n)\n";
    return s;
}

// The built-in set's splits as Gradscope generates them, for data.py.
void write_builtin_data(const ModelSpec& spec, const std::string& path) {
    DataSplit s = make_builtin_dataset(spec.data, spec.input, spec.data.name == "synthetic" ? 10 : 0);
    if (!spec.data.features.empty()) {  // the items as the model takes them: the input features
        s.train = std::make_shared<FeatureDataset>(s.train, input_features_of(spec.data));
        s.test = std::make_shared<FeatureDataset>(s.test, input_features_of(spec.data));
    }
    SafetensorsFile f;
    auto add = [&](const std::shared_ptr<Dataset>& d, const std::string& prefix) {
        if (!d || d->size() == 0) return;
        const int n = static_cast<int>(d->size());
        std::vector<uint32_t> idx(d->size());
        for (size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<uint32_t>(i);
        NamedArray x{prefix + "_x", d->item_shape().to_vector(), {}};
        NamedArray y{prefix + "_y", {n, d->target_size()}, {}};
        x.shape.insert(x.shape.begin(), n);
        x.values.resize(d->size() * d->item_shape().numel());
        y.values.resize(d->size() * static_cast<size_t>(d->target_size()));
        d->gather(idx.data(), n, x.values.data(), y.values.data());
        f.tensors.push_back(std::move(x));
        f.tensors.push_back(std::move(y));
    };
    add(s.train, "train");
    add(s.test, "test");
    f.metadata["name"] = spec.data.name;
    f.metadata["classes"] = std::to_string(s.train->num_classes());
    save_safetensors(path, f);
}

}  // namespace

std::vector<std::string> export_pytorch(const ModelSpec& spec_in, const std::string& dir,
                                        const std::string& checkpoint) {
    ModelSpec spec = spec_in;
    std::vector<LayerInfo> info;
    if (auto issues = validate_spec(spec, &info); !issues.empty()) {
        std::string m = "the model spec has problems:";
        for (const auto& i : issues) m += "\n  " + i.str();
        throw Error(m);
    }
    if (spec.data.name == "fashion-mnist" && spec.data.path.empty()) spec.data.path = kFashionMnistDir;
    std::error_code ec;
    fs::create_directories(fs::path(dir) / "gradscope", ec);
    if (ec) throw Error("cannot create the project directory '" + dir + "': " + ec.message());
    std::vector<std::string> files;
    auto write = [&](const std::string& name, const std::string& text) {
        write_file_atomic((fs::path(dir) / name).string(), text);
        files.push_back(name);
    };

    // The starting weights: a copy of the given checkpoint (checked against
    // the spec first), or the initial weights Gradscope draws from the seed.
    std::string start = "initial.safetensors";
    if (!checkpoint.empty()) {
        model_weights(spec, checkpoint);  // throws naming a tensor that does not match
        start = "start.safetensors";
        write(start, read_file(checkpoint));
    } else {
        Model model(spec, cpu_backend());
        model.initialize(spec.seed);
        Optimizer optim(spec.optimizer, cpu_backend());
        optim.attach(model.named_params());
        save_checkpoint((fs::path(dir) / start).string(), spec, model, optim, {});
        files.push_back(start);
    }
    const auto builtin = builtin_dataset_names();
    if (std::find(builtin.begin(), builtin.end(), spec.data.name) != builtin.end()) {
        write_builtin_data(spec, (fs::path(dir) / "data.safetensors").string());
        files.push_back("data.safetensors");
    }
    write("spec.json", spec_to_json(spec, 2) + "\n");
    write("config.py", config_source(spec, info.back().out, start));
    std::string model = embedded("model.py");
    replace_all(model, "@NAME@", spec.name.empty() ? "The model" : spec.name);
    replace_all(model, "# @NET@\n", pytorch_net_source(spec, info));
    write("model.py", model);
    std::string readme = embedded("README.md");
    replace_all(readme, "@NAME@", spec.name.empty() ? "model" : spec.name);
    replace_all(readme, "@START@", start);
    replace_all(readme, "@DATA@", spec.data.path.empty() ? spec.data.name + " (data.safetensors)"
                                                        : spec.data.name + " from " + spec.data.path);
    write("README.md", readme);
    for (const char* name : {"data.py", "data_files.py", "train.py", "gradscope/__init__.py",
                             "gradscope/checkpoint.py", "gradscope/run_log.py", "gradscope/layer_watch.py"})
        write(name, embedded(name));
    return files;
}

}  // namespace gs
