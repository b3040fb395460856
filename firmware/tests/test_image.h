/* SPDX-License-Identifier: MIT */
#ifndef POTNPU_FW_TEST_IMAGE_H
#define POTNPU_FW_TEST_IMAGE_H

/* Run the image tests: argv[0] is the image, then SYMBOL=0xADDR pairs. */
void image_tests(int argc, char **argv);

#endif /* POTNPU_FW_TEST_IMAGE_H */
