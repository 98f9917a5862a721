package caravan.guardrails.injection;

import java.util.Arrays;
import java.util.List;

import caravan.guardrails.injection.InjectionClassifier.Window;

/**
 * Fits the injection classifier's weights: L2-regularised logistic regression over a window's embedding
 * and its lexical features ({@link LexicalFeatures}), one window per example (the labelled texts are each
 * shorter than a window, so a text is its window). The weights are a shared vector plus a third-party one
 * added for third-party texts, so each source has its own and the sparser source borrows what the other
 * teaches; the two classes weigh the same whatever their counts. Full-batch Adam for a fixed number of steps
 * from zero: the same data always gives the same weights.
 */
final class LogisticRegression {

    private static final int STEPS = 1500;
    private static final double LEARNING_RATE = 0.01;

    private LogisticRegression() {
    }

    /**
     * @param windows    each example's window
     * @param thirdParty whether each is third-party text
     * @param injection  whether each is an injection
     * @param l2         the regularisation strength
     */
    static InjectionClassifier fit(List<Window> windows, boolean[] thirdParty, boolean[] injection, double l2, String trainedOn) {
        int n = windows.size();
        int d = windows.get(0).embedding().length;
        int b = LexicalFeatures.SIZE;
        int f = d + b;
        int positives = 0;
        for (boolean one : injection) {
            positives += one ? 1 : 0;
        }
        double positiveWeight = 1 / (2.0 * positives);
        double negativeWeight = 1 / (2.0 * (n - positives));

        // parameters: shared features [0, f), third-party features [f, 2f) (each: embedding then lexical),
        // shared bias 2f, third-party bias 2f + 1
        int p = 2 * f + 2;
        double[] theta = new double[p];
        double[] m = new double[p];
        double[] v = new double[p];
        double[] gradient = new double[p];
        for (int step = 1; step <= STEPS; step++) {
            Arrays.fill(gradient, 0);
            for (int i = 0; i < n; i++) {
                Window window = windows.get(i);
                int offset = thirdParty[i] ? f : -1;
                double logit = theta[2 * f] + (thirdParty[i] ? theta[2 * f + 1] : 0);
                float[] e = window.embedding();
                for (int j = 0; j < d; j++) {
                    logit += e[j] * (theta[j] + (offset >= 0 ? theta[offset + j] : 0));
                }
                LexicalFeatures words = window.words();
                for (int k = 0; k < words.buckets.length; k++) {
                    int j = d + words.buckets[k];
                    logit += words.values[k] * (theta[j] + (offset >= 0 ? theta[offset + j] : 0));
                }
                double error = (sigmoid(logit) - (injection[i] ? 1 : 0)) * (injection[i] ? positiveWeight : negativeWeight);
                for (int j = 0; j < d; j++) {
                    gradient[j] += error * e[j];
                    if (offset >= 0) {
                        gradient[offset + j] += error * e[j];
                    }
                }
                for (int k = 0; k < words.buckets.length; k++) {
                    int j = d + words.buckets[k];
                    gradient[j] += error * words.values[k];
                    if (offset >= 0) {
                        gradient[offset + j] += error * words.values[k];
                    }
                }
                gradient[2 * f] += error;
                if (offset >= 0) {
                    gradient[2 * f + 1] += error;
                }
            }
            double correction1 = 1 - Math.pow(0.9, step);
            double correction2 = 1 - Math.pow(0.999, step);
            for (int j = 0; j < p; j++) {
                double g = gradient[j] + (j < 2 * f ? l2 * theta[j] : 0);
                m[j] = 0.9 * m[j] + 0.1 * g;
                v[j] = 0.999 * v[j] + 0.001 * g * g;
                theta[j] -= LEARNING_RATE * (m[j] / correction1) / (Math.sqrt(v[j] / correction2) + 1e-8);
            }
        }
        return new InjectionClassifier(weightsOf(false, theta, d, b), weightsOf(true, theta, d, b), trainedOn);
    }

    private static double sigmoid(double logit) {
        return 1 / (1 + Math.exp(-logit));
    }

    /** A source's weights: the shared ones, plus the third party's own for it. */
    private static InjectionClassifier.Weights weightsOf(boolean thirdParty, double[] theta, int d, int b) {
        int f = d + b;
        float[] embedding = new float[d];
        float[] lexical = new float[b];
        for (int j = 0; j < f; j++) {
            double w = theta[j] + (thirdParty ? theta[f + j] : 0);
            if (j < d) {
                embedding[j] = (float) w;
            } else {
                lexical[j - d] = (float) w;
            }
        }
        return new InjectionClassifier.Weights(embedding, lexical, theta[2 * f] + (thirdParty ? theta[2 * f + 1] : 0));
    }
}
