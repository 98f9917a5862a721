package caravan.guardrails.secrets;

import java.util.Map;

import caravan.guardrails.Guardrail;
import caravan.guardrails.GuardrailServices;
import caravan.guardrails.ScanningGuardrail;
import caravan.guardrails.SettingsBinder;
import caravan.guardrails.Stage;
import caravan.guardrails.TextScanner;

/**
 * {@code secrets}: API keys, tokens and private keys in prompts (or answers): OpenAI, Anthropic, AWS,
 * GitHub, Slack, PEM private-key blocks, JSON Web Tokens and high-entropy bearer strings. Redacts to
 * {@code [SECRET]}; usually configured to block.
 */
public final class SecretsGuardrail extends ScanningGuardrail {

    public static final String NAME = "secrets";

    private static final TextScanner SCANNER = new SecretScanner();

    /** No settings of its own; a class of its own all the same, so a misspelt setting is refused. */
    public static final class Settings {
    }

    public static Guardrail create(Map<String, Object> settings, GuardrailServices services) {
        SettingsBinder.bind(new Settings(), settings, NAME);
        return new SecretsGuardrail();
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
    public boolean redacts() {
        return true;
    }

    @Override
    public TextScanner scanner() {
        return SCANNER;
    }
}
