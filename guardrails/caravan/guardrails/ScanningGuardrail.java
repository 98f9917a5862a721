package caravan.guardrails;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A guardrail that is one {@link TextScanner} over the stage's texts: what the scanner finds is the verdict,
 * and the same scanner checks a streamed answer chunk by chunk.
 */
public abstract class ScanningGuardrail implements Guardrail {

    /** Whether texts from {@code source} are looked at; all by default. */
    protected boolean scans(Source source) {
        return true;
    }

    @Override
    public abstract TextScanner scanner();

    @Override
    public CompletionStage<Verdict> check(Check check) {
        Texts texts = check.texts();
        TextScanner scanner = scanner();
        List<Finding> findings = new ArrayList<>(0);
        for (int i = 0; i < texts.size(); i++) {
            TextSlot slot = texts.get(i);
            if (scans(slot.source())) {
                scanner.scan(slot.text(), slot.source(), i, findings::add);
            }
        }
        return CompletableFuture.completedFuture(Verdict.found(findings));
    }
}
