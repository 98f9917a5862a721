package caravan.providers.openai;

import caravan.providers.CodecSettings;

/** What the OpenAI codec reads beyond the base URL and the key: whether a stream asks for its usage. */
public final class OpenAiSettings implements CodecSettings {

    private boolean askForStreamUsage = true;

    public boolean isAskForStreamUsage() {
        return askForStreamUsage;
    }

    /**
     * Whether a stream asks for its usage ({@code stream_options.include_usage}), as OpenAI's API needs
     * (the default); false for a server that reports it unasked and refuses the field (Mistral).
     */
    public void setAskForStreamUsage(boolean askForStreamUsage) {
        this.askForStreamUsage = askForStreamUsage;
    }

    @Override
    public String toString() {
        return "OpenAiSettings[askForStreamUsage=" + askForStreamUsage + "]";
    }
}
