package caravan.guardrails.injection;

import java.util.Locale;

/** A confusion matrix of injection verdicts, and the precision, recall and F1 it gives. */
final class Counts {

    private int truePositives;
    private int falsePositives;
    private int falseNegatives;
    private int trueNegatives;

    void add(boolean injection, boolean flagged) {
        if (injection) {
            if (flagged) {
                truePositives++;
            } else {
                falseNegatives++;
            }
        } else if (flagged) {
            falsePositives++;
        } else {
            trueNegatives++;
        }
    }

    /** Of the texts flagged, the share that are injections (1 when none was flagged). */
    double precision() {
        return truePositives + falsePositives == 0 ? 1 : (double) truePositives / (truePositives + falsePositives);
    }

    /** Of the injections, the share flagged. */
    double recall() {
        return truePositives + falseNegatives == 0 ? 1 : (double) truePositives / (truePositives + falseNegatives);
    }

    double f1() {
        double p = precision();
        double r = recall();
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** "precision 0.951 recall 0.929 F1 0.940 (tp 79, fp 4, fn 6, tn 83)" */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "precision %.3f  recall %.3f  F1 %.3f  (tp %d, fp %d, fn %d, tn %d)", precision(),
                recall(), f1(), truePositives, falsePositives, falseNegatives, trueNegatives);
    }
}
