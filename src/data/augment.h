/* Random shift and rotation of one image sample, resampled bilinearly. */
#ifndef MLP_DATA_AUGMENT_H
#define MLP_DATA_AUGMENT_H

#include "mlp.h"

/* Writes sample i of dataset (an image of known shape), shifted and rotated at random per spec,
 * as float into out[features]. Draws dx, dy, then the angle (only the parts the spec enables). */
void augment_sample(const mlp_dataset *dataset, size_t i, const mlp_augment_spec *spec,
                    mlp_rng *rng, float *out);

#endif
