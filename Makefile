# SPDX-License-Identifier: MIT
# potnpu top-level build. The two commands a newcomer needs:
#   make run     build everything, boot the guest, modprobe potnpu,
#                potnpu-info and potnpu-bench; exit status is the guest's
#   make check   run every test layer; last line "N passed, N failed"
# Other targets: setup all qemu module firmware userspace selftests
# guest-image shell clean. Kernel module objects are built by Kbuild (see
# the Kbuild file); everything else lands in build/ (or $POTNPU_BUILD).
# Caches (QEMU and kernel sources, QEMU build) live in ~/.cache/potnpu
# (or $POTNPU_CACHE).

SHELL := /bin/bash
ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
export POTNPU_BUILD ?= $(ROOT)/build
# Run inside common.sh's environment so every target sees the same versions.
ENV := . $(ROOT)/scripts/common.sh && load_versions &&
# The default model, compiled from the committed ONNX file (no training).
DEFAULT_MODEL := $(POTNPU_BUILD)/models/fashion-mnist-cnn.bin
# The guest accuracy test's other scheme and its float baseline: the ONNX
# model's top-1 on the compiler's float executor over the first
# ACCURACY_COUNT test images (tests/guest/accuracy-test.sh, docs/results.md).
NHOT2_MODEL := $(POTNPU_BUILD)/models/fashion-mnist-cnn-nhot2.bin
ACCURACY_COUNT ?= 3000
FLOAT_TOP1 := $(POTNPU_BUILD)/models/fashion-mnist-cnn.float-top1.json
DATA := /usr/share/datasets/fashion-mnist
MODEL ?= /usr/lib/potnpu/models/fashion-mnist-cnn.bin

.PHONY: all setup qemu module firmware userspace selftests guest-image \
	models run check results shell clean

all: qemu module firmware userspace selftests models

setup:
	@$(ROOT)/scripts/setup.sh

qemu: setup
	@$(ROOT)/scripts/build-qemu.sh

module: setup
	@$(ROOT)/scripts/build-module.sh

userspace: setup
	@$(MAKE) -s -C $(ROOT)/userspace all

firmware: userspace
	@$(MAKE) -s -C $(ROOT)/firmware all

# uniform8, calibrated on 256 training images (docs/compiler.md); nhot2
# the same way; the float baseline of the accuracy test; and the
# compiler's generated test models, which the guest tests run.
models: userspace
	@$(MAKE) -s -f $(ROOT)/Makefile $(DEFAULT_MODEL) $(NHOT2_MODEL) $(FLOAT_TOP1)
	@$(MAKE) -s -C $(ROOT)/userspace compile-tests

$(DEFAULT_MODEL): $(ROOT)/models/fashion-mnist-cnn.onnx \
		$(ROOT)/models/fashion-mnist-labels.txt \
		$(POTNPU_BUILD)/userspace/bin/potnpu-compile
	@mkdir -p $(dir $@)
	@$(POTNPU_BUILD)/userspace/bin/potnpu-compile -q $< -o $@ \
		--labels-file $(ROOT)/models/fashion-mnist-labels.txt

$(NHOT2_MODEL): $(ROOT)/models/fashion-mnist-cnn.onnx \
		$(ROOT)/models/fashion-mnist-labels.txt \
		$(POTNPU_BUILD)/userspace/bin/potnpu-compile
	@mkdir -p $(dir $@)
	@$(POTNPU_BUILD)/userspace/bin/potnpu-compile -q $< -o $@ --scheme nhot2 \
		--labels-file $(ROOT)/models/fashion-mnist-labels.txt

# A stamp file per ACCURACY_COUNT value: changing the count rebuilds it.
$(FLOAT_TOP1): $(ROOT)/models/fashion-mnist-cnn.onnx \
		$(POTNPU_BUILD)/userspace/bin/potnpu-onnx-top1 \
		$(POTNPU_BUILD)/models/.accuracy-count-$(ACCURACY_COUNT)
	@$(POTNPU_BUILD)/userspace/bin/potnpu-onnx-top1 $< --json \
		--input $(DATA)/t10k-images-idx3-ubyte.gz \
		--labels $(DATA)/t10k-labels-idx1-ubyte.gz \
		--count $(ACCURACY_COUNT) >$@.tmp && mv $@.tmp $@

$(POTNPU_BUILD)/models/.accuracy-count-%:
	@mkdir -p $(dir $@) && rm -f $(dir $@).accuracy-count-* && touch $@

selftests: setup
	@$(ENV) $(MAKE) -s -C $(ROOT)/tests/selftests all \
		KSELFTEST_DIR=$$KSRC/tools/testing/selftests
	@$(MAKE) -s -C $(ROOT)/tests/fuzz/ioctl all

guest-image: all
	@$(ROOT)/scripts/mkinitramfs.sh

run: guest-image
	@$(ROOT)/scripts/run-guest.sh -- /usr/lib/potnpu/tests/main-job.sh $(MODEL)

check:
	@$(ROOT)/scripts/check.sh

# Every number and plot of docs/results.md (boots the guest once; slow).
results: all
	@$(ROOT)/scripts/results.sh

shell: guest-image
	@$(ROOT)/scripts/run-guest.sh --shell

clean:
	rm -rf $(POTNPU_BUILD)
	-@$(ENV) $(MAKE) -s -C $$KDIR M=$(ROOT) clean
