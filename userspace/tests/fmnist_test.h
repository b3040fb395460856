/* SPDX-License-Identifier: MIT */
/*
 * fmnist_test.h: what the compiler's tests share to measure the default
 * model on Fashion-MNIST: the repository root, the test set loaded once,
 * argmax and the top-1 of a model.bin on the CPU reference.
 */
#ifndef FMNIST_TEST_H
#define FMNIST_TEST_H

#include <stddef.h>

#include "bench_idx.h"

#define FMNIST_DATA "/usr/share/datasets/fashion-mnist/"

extern struct bench_idx fmnist_images, fmnist_labels;

/* The repository root (with its trailing slash), from this file's path. */
void fmnist_find_root(char *root, size_t len);
/* Load the test set's images and labels once; 0 or -1. */
int fmnist_load(void);
size_t fmnist_argmax(const float *v, size_t n);
/* Top-1 (percent) of model.bin on the CPU reference, first @n images. */
double fmnist_model_top1(const char *path, size_t n);

#endif /* FMNIST_TEST_H */
