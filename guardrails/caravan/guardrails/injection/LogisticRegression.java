package caravan.guardrails.injection;

import java.util.Arrays;

/**
 * Fits the injection classifier's weights: L2-regularised logistic regression over the embeddings of a
 * text's pieces ({@link TextPieces}), where a text's score is its highest piece's, as the classifier scores
 * at run time. A benign text teaches that each of its pieces is benign; an injection that its
 * highest-scoring piece is one (the others, the ordinary page around the instruction, are left alone). The
 * weights are a shared vector plus a third-party one added for third-party texts, so each source has its own
 * and the sparser source borrows what the other teaches; the two classes weigh the same whatever their
 * counts. Features are standardised per dimension while fitting (bge embeddings share a large common
 * direction, which plain gradient descent crawls along) and the scaling is folded back into the weights, so
 * the classifier reads raw embeddings. Full-batch Adam for a fixed number of steps from zero: the same data
 * always gives the same weights.
 */
final class LogisticRegression {

    private static final int STEPS = 2000;
    private static final double LEARNING_RATE = 0.01;

    private LogisticRegression() {
    }

    /**
     * @param bags       the piece embeddings of each text
     * @param thirdParty whether each text is third-party text
     * @param injection  whether each is an injection
     * @param l2         the regularisation strength
     */
    static InjectionClassifier fit(float[][][] bags, boolean[] thirdParty, boolean[] injection, double l2, String trainedOn) {
        int n = bags.length;
        int d = bags[0][0].length;
        double[] mean = new double[d];
        double[] scale = new double[d];
        int pieces = 0;
        for (float[][] bag : bags) {
            for (float[] piece : bag) {
                pieces++;
                for (int j = 0; j < d; j++) {
                    mean[j] += piece[j];
                }
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= pieces;
        }
        for (float[][] bag : bags) {
            for (float[] piece : bag) {
                for (int j = 0; j < d; j++) {
                    scale[j] += (piece[j] - mean[j]) * (piece[j] - mean[j]) / pieces;
                }
            }
        }
        for (int j = 0; j < d; j++) {
            scale[j] = Math.sqrt(scale[j]) + 1e-6;
        }
        double[][][] z = new double[n][][];
        for (int i = 0; i < n; i++) {
            z[i] = new double[bags[i].length][d];
            for (int k = 0; k < bags[i].length; k++) {
                for (int j = 0; j < d; j++) {
                    z[i][k][j] = (bags[i][k][j] - mean[j]) / scale[j];
                }
            }
        }
        int positives = 0;
        for (boolean one : injection) {
            positives += one ? 1 : 0;
        }
        double positiveWeight = n / (2.0 * positives);
        double negativeWeight = n / (2.0 * (n - positives));

        // parameters: shared weights [0, d), third-party weights [d, 2d), shared bias 2d, third-party bias 2d + 1
        int p = 2 * d + 2;
        double[] theta = new double[p];
        double[] m = new double[p];
        double[] v = new double[p];
        double[] gradient = new double[p];
        for (int step = 1; step <= STEPS; step++) {
            Arrays.fill(gradient, 0);
            for (int i = 0; i < n; i++) {
                if (injection[i]) {
                    int highest = 0;
                    double highestLogit = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < z[i].length; k++) {
                        double logit = logit(theta, z[i][k], thirdParty[i]);
                        if (logit > highestLogit) {
                            highestLogit = logit;
                            highest = k;
                        }
                    }
                    accumulate(gradient, z[i][highest], thirdParty[i], (sigmoid(highestLogit) - 1) * positiveWeight / n);
                } else {
                    for (double[] piece : z[i]) {
                        accumulate(gradient, piece, thirdParty[i],
                                sigmoid(logit(theta, piece, thirdParty[i])) * negativeWeight / n / z[i].length);
                    }
                }
            }
            for (int j = 0; j < 2 * d; j++) {
                gradient[j] += l2 * theta[j];
            }
            for (int j = 0; j < p; j++) {
                m[j] = 0.9 * m[j] + 0.1 * gradient[j];
                v[j] = 0.999 * v[j] + 0.001 * gradient[j] * gradient[j];
                double mHat = m[j] / (1 - Math.pow(0.9, step));
                double vHat = v[j] / (1 - Math.pow(0.999, step));
                theta[j] -= LEARNING_RATE * mHat / (Math.sqrt(vHat) + 1e-8);
            }
        }
        return new InjectionClassifier(weightsOf(false, theta, mean, scale), weightsOf(true, theta, mean, scale), trainedOn);
    }

    private static double logit(double[] theta, double[] z, boolean thirdParty) {
        int d = z.length;
        double logit = theta[2 * d] + (thirdParty ? theta[2 * d + 1] : 0);
        for (int j = 0; j < d; j++) {
            logit += z[j] * (theta[j] + (thirdParty ? theta[d + j] : 0));
        }
        return logit;
    }

    private static void accumulate(double[] gradient, double[] z, boolean thirdParty, double error) {
        int d = z.length;
        for (int j = 0; j < d; j++) {
            gradient[j] += error * z[j];
            if (thirdParty) {
                gradient[d + j] += error * z[j];
            }
        }
        gradient[2 * d] += error;
        if (thirdParty) {
            gradient[2 * d + 1] += error;
        }
    }

    private static double sigmoid(double logit) {
        return 1 / (1 + Math.exp(-logit));
    }

    /**
     * A source's weights on raw embeddings: the shared weights (plus the third party's own, for it) divided by
     * the scale, with the means folded into the bias.
     */
    private static InjectionClassifier.Weights weightsOf(boolean thirdParty, double[] theta, double[] mean, double[] scale) {
        int d = mean.length;
        float[] weights = new float[d];
        double bias = theta[2 * d] + (thirdParty ? theta[2 * d + 1] : 0);
        for (int j = 0; j < d; j++) {
            double w = (theta[j] + (thirdParty ? theta[d + j] : 0)) / scale[j];
            weights[j] = (float) w;
            bias -= w * mean[j];
        }
        return new InjectionClassifier.Weights(weights, bias);
    }
}
