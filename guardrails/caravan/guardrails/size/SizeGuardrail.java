package caravan.guardrails.size;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import caravan.api.TokenCount;
import caravan.api.TokenTables;
import caravan.guardrails.Check;
import caravan.guardrails.Guardrail;
import caravan.guardrails.GuardrailServices;
import caravan.guardrails.SettingsBinder;
import caravan.guardrails.Stage;
import caravan.guardrails.TextSlot;
import caravan.guardrails.Verdict;

/**
 * {@code size}: a request (or an answer) over a number of tokens or characters. Tokens are counted as the
 * admission counts them ({@link TokenCount}: o200k, messages and tools, counts of repeated texts cached), so
 * the limit means what a budget means; characters are the texts' own.
 */
public final class SizeGuardrail implements Guardrail {

    public static final String NAME = "size";

    /** The guardrail's own settings: at least one limit. */
    public static final class Settings {
        private long maxTokens = -1;
        private long maxChars = -1;

        public void setMaxTokens(long maxTokens) {
            if (maxTokens < 1) {
                throw new IllegalArgumentException("maxTokens must be at least 1");
            }
            this.maxTokens = maxTokens;
        }

        public void setMaxChars(long maxChars) {
            if (maxChars < 1) {
                throw new IllegalArgumentException("maxChars must be at least 1");
            }
            this.maxChars = maxChars;
        }
    }

    private final long maxTokens;
    private final long maxChars;
    /** Where a token count waits while the tables load, so that it never holds an event loop (null: inline). */
    private final Executor workers;
    private final TokenTables tables;

    SizeGuardrail(long maxTokens, long maxChars, Executor workers, TokenTables tables) {
        this.maxTokens = maxTokens;
        this.maxChars = maxChars;
        this.workers = workers;
        this.tables = tables;
    }

    public static Guardrail create(Map<String, Object> settings, GuardrailServices services) {
        Settings bound = SettingsBinder.bind(new Settings(), settings, NAME);
        if (bound.maxTokens < 0 && bound.maxChars < 0) {
            throw new IllegalArgumentException("guardrail 'size' needs maxTokens or maxChars");
        }
        if (bound.maxTokens > 0) {
            // every call will be counted: the tables load now, not at the first call
            TokenCount.loadInBackground();
        }
        return new SizeGuardrail(bound.maxTokens, bound.maxChars, services == null ? null : services.workers(),
                TokenTables.O200K);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Stage defaultStage() {
        return Stage.PRE;
    }

    @Override
    public boolean checks(Stage stage) {
        return true;
    }

    @Override
    public CompletionStage<Verdict> check(Check check) {
        if (maxChars > 0) {
            long chars = check.texts().chars();
            if (chars > maxChars) {
                return CompletableFuture.completedFuture(over(chars, maxChars, "characters"));
            }
        }
        if (maxTokens > 0) {
            if (!tables.inMemory() && workers != null && check.stage() == Stage.PRE) {
                // a call in the moment after a start, before the load above has finished: it waits on a worker.
                // Not an answer's: a stream's end runs its post checks to their verdict before it ends (StreamGuard),
                // so that count is made here, once, waiting for the load already under way
                try {
                    return CompletableFuture.supplyAsync(() -> byTokens(check), workers);
                } catch (RejectedExecutionException busy) {
                    return CompletableFuture.completedFuture(byTokens(check));
                }
            }
            return CompletableFuture.completedFuture(byTokens(check));
        }
        return CompletableFuture.completedFuture(Verdict.pass());
    }

    private Verdict byTokens(Check check) {
        long tokens = tokens(check);
        return tokens > maxTokens ? over(tokens, maxTokens, "tokens") : Verdict.pass();
    }

    private static long tokens(Check check) {
        if (check.stage() == Stage.PRE) {
            return TokenCount.ofRequest(check.request().messages(), check.request().json().get("tools"));
        }
        long tokens = 0;
        for (TextSlot slot : check.texts().slots()) {
            tokens += TokenCount.of(slot.text());
        }
        return tokens;
    }

    private static Verdict over(long size, long limit, String unit) {
        return Verdict.scored(1, size + " " + unit + ", over the limit of " + limit);
    }
}
