"""Makes HF Trainer checkpoint folders with transformers' own Trainer, and manifest.json saying what they hold.

Run with torch 2.13 + transformers + accelerate:  /opt/torch213/bin/python make_trainer_folders.py (in src/test/resources/training/trainer)
- checkpoint-4: what `Trainer.train()` saves at step 4 (transformers 5 writes model.safetensors, optimizer.pt,
  scheduler.pt, rng_state.pth, trainer_state.json, training_args.bin). The optimizer is Trainer's AdamW with its
  two parameter groups (weight decay / no weight decay).
- checkpoint-4-bin: the same folder with the model as transformers 4's Trainer wrote it with
  save_safetensors=False: pytorch_model.bin, a torch.save of model.state_dict() (tied lm_head included).
The manifest's "optimizer" lists, per parameter id, the name model.named_parameters() gives that parameter: what
the Trainer's optimizer itself holds (its param_groups, numbered across the groups as state_dict() numbers them).
"""
import json
import os
import shutil
import tempfile
import warnings

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
warnings.filterwarnings("ignore")


def main():
    from transformers import LlamaConfig, LlamaForCausalLM, Trainer, TrainingArguments
    torch.manual_seed(0)
    cfg = LlamaConfig(vocab_size=64, hidden_size=32, intermediate_size=48, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
                      tie_word_embeddings=True)
    model = LlamaForCausalLM(cfg)
    g = torch.Generator().manual_seed(1)
    data = [{"input_ids": ids, "labels": ids} for ids in torch.randint(0, 64, (16, 8), generator=g)]
    out = tempfile.mkdtemp()
    args = TrainingArguments(output_dir=out, max_steps=4, save_steps=4, save_strategy="steps",
                             per_device_train_batch_size=4, learning_rate=1e-3, weight_decay=0.01,
                             warmup_steps=1, logging_steps=1, report_to=[], use_cpu=True, seed=0,
                             dataloader_num_workers=0)
    trainer = Trainer(model=model, args=args, train_dataset=data)
    trainer.train()

    names = {id(p): n for n, p in model.named_parameters()}
    truth = []
    for group in trainer.optimizer.param_groups:
        truth += [names[id(p)] for p in group["params"]]
    saved = torch.load(os.path.join(out, "checkpoint-4", "optimizer.pt"), weights_only=True)
    numbered = [i for group in saved["param_groups"] for i in group["params"]]
    assert numbered == list(range(len(truth))), numbered
    params = dict(model.named_parameters())
    for i, s in saved["state"].items():
        assert s["exp_avg"].shape == params[truth[i]].shape, (i, truth[i])

    manifest = {}
    for name in ("checkpoint-4", "checkpoint-4-bin"):
        shutil.rmtree(os.path.join(HERE, name), ignore_errors=True)
    shutil.copytree(os.path.join(out, "checkpoint-4"), os.path.join(HERE, "checkpoint-4"))
    shutil.copytree(os.path.join(out, "checkpoint-4"), os.path.join(HERE, "checkpoint-4-bin"))
    os.remove(os.path.join(HERE, "checkpoint-4-bin", "model.safetensors"))
    torch.save(model.state_dict(), os.path.join(HERE, "checkpoint-4-bin", "pytorch_model.bin"))
    shutil.rmtree(out)
    os.chmod(os.path.join(HERE, "checkpoint-4", "model.safetensors"), 0o644)  # Trainer writes it 0600

    groups = [len(gr["params"]) for gr in saved["param_groups"]]
    for name in ("checkpoint-4", "checkpoint-4-bin"):
        manifest[name] = {
            "files": sorted(os.listdir(os.path.join(HERE, name))),
            "optimizer": {str(i): n for i, n in enumerate(truth)},
            "group_sizes": groups,
            "weight_decay": [gr["weight_decay"] for gr in saved["param_groups"]],
            "model_parameters": sum(p.numel() for p in model.parameters()),
            "global_step": trainer.state.global_step,
        }
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)


if __name__ == "__main__":
    main()
