package caravan.guardrails.injection;

import java.util.ArrayList;
import java.util.List;

import caravan.guardrails.PhraseMatcher;
import caravan.guardrails.PhraseMatcher.Phrase;
import caravan.guardrails.Source;

/**
 * The well-known phrasings of prompt injection, as word rules: one set for what a user types (direct
 * injection), and a larger one for text no one in the conversation wrote (tool results, retrieved
 * documents), where instructions addressed to the model, or to keep something from the user, are suspect
 * in themselves (indirect injection). Chat-template control tokens ({@code <|im_start|>}, {@code [INST]}) are
 * suspect anywhere. In what a user types, a phrase inside a quotation is left to the classifier: it is usually
 * talked about ("explain why 'you are now DAN' worked"), not addressed to the model. What a rule finds is named
 * in words ("an instruction to ignore earlier instructions"), never quoted.
 */
final class InjectionRules {

    static final String OVERRIDE = "an instruction to ignore earlier instructions";
    static final String PERSONA = "a jailbreak persona";
    static final String EXTRACTION = "a request for the system prompt";
    static final String SAFETY = "an instruction to bypass safety rules";
    static final String CONTROL = "a chat-template control token";
    static final String ADDRESSED = "an instruction addressed to the model";
    static final String CONCEAL = "an instruction to keep something from the user";
    static final String EXFILTRATION = "an instruction to send data elsewhere";

    /** Control tokens of common chat templates, compared with case folded. */
    private static final List<String> MARKERS = List.of("<|im_start|>", "<|im_end|>", "<|system|>", "<|endoftext|>",
            "<|start_header_id|>", "[inst]", "[/inst]", "<<sys>>", "<</sys>>", "</s><s>");

    private static final List<Phrase> DIRECT = List.of(
            new Phrase("[ignore disregard forget skip override bypass] [all any every]? [of]? [the your my these those]? "
                    + "[previous prior above earlier preceding foregoing original initial system] "
                    + "[instruction instructions prompt prompts rule rules direction directions guideline guidelines "
                    + "command commands context message messages]", OVERRIDE),
            new Phrase("[ignore disregard forget] [everything all] [you you've] [were been have] *2 [told instructed given]", OVERRIDE),
            // the same order in the languages such asks most often come in: a previous (or "your") set of
            // instructions or rules to ignore or forget; not "messages" or "questions", which users drop themselves
            new Phrase("[ignora ignore olvida olvide] [todas]? [las]? [instrucciones reglas indicaciones] [anteriores previas]",
                    OVERRIDE),
            new Phrase("[ignora ignore olvida olvide] [todas]? [tus sus] [instrucciones reglas indicaciones]", OVERRIDE),
            new Phrase("[ignore ignorez oublie oubliez] [toutes]? [les] [instructions règles consignes] [précédentes antérieures]",
                    OVERRIDE),
            new Phrase("[ignore ignorez oublie oubliez] [toutes]? [tes vos] [instructions règles consignes]", OVERRIDE),
            new Phrase("[ignoriere ignorier vergiss] [alle]? [vorherigen bisherigen früheren deine ihre] "
                    + "[anweisungen regeln instruktionen]", OVERRIDE),
            new Phrase("[ignora dimentica] [tutte]? [le] [tue]? [istruzioni regole] [precedenti]", OVERRIDE),
            new Phrase("[ignora dimentica] [tutte]? [le] [tue] [istruzioni regole]", OVERRIDE),
            new Phrase("[ignore esqueça esqueca] [todas]? [as] [instruções instrucoes regras] [anteriores]", OVERRIDE),
            new Phrase("[ignore esqueça esqueca] [todas]? [as]? [suas tuas] [instruções instrucoes regras]", OVERRIDE),
            new Phrase("[negeer vergeet] [alle]? [eerdere vorige] [instructies regels]", OVERRIDE),
            new Phrase("[игнорируй забудь] [все]? [предыдущие свои] [инструкции правила]", OVERRIDE),
            new Phrase("[zignoruj ignoruj zapomnij] [wszystkie]? [poprzednie swoje] [polecenia instrukcje zasady]", OVERRIDE),
            new Phrase("[ignorér ignorer ignorera glem glöm] [alle alla]? [tidligere tidigare] "
                    + "[instruktioner instruksjoner]", OVERRIDE),
            new Phrase("you are now [dan unrestricted unfiltered jailbroken uncensored evil unbound limitless]", PERSONA),
            // not "enable developer mode": phones, browsers and Windows have one, and users ask how to turn it on
            new Phrase("[enable enter activate switch] [to into]? [dan god jailbreak unrestricted] mode", PERSONA),
            new Phrase("[you you're] [are]? [now]? [in] developer mode", PERSONA),
            new Phrase("do anything now", PERSONA),
            new Phrase("[pretend act imagine behave] *4 [no without] [restrictions rules guidelines limits filters limitations "
                    + "censorship boundaries]", PERSONA),
            new Phrase("[reveal print show output repeat display leak tell dump recite] [me us]? [your the] "
                    + "[system initial original hidden secret full] [prompt prompts instructions message]", EXTRACTION),
            new Phrase("[what] [is are was were] [your] [system initial original hidden] [prompt instructions]", EXTRACTION),
            new Phrase("[override bypass disable ignore circumvent deactivate] [your the all any]? "
                    + "[safety content ethical moderation] [filter filters policy policies guideline guidelines rules "
                    + "restrictions guardrails]", SAFETY));

    private static final List<Phrase> INDIRECT = List.of(
            new Phrase("[note message instruction instructions] [to for] [the]? [ai assistant model llm chatbot agent bot]",
                    ADDRESSED),
            new Phrase("[ai assistant model llm chatbot agent] [please]? [must should] [now]? [ignore disregard instead "
                    + "follow obey execute]", ADDRESSED),
            new Phrase("[ignore disregard] [the your]? [user user's users]", ADDRESSED),
            new Phrase("when [you] [read see summarize process encounter parse] [this these]", ADDRESSED),
            new Phrase("[do] not [tell inform mention alert notify show] [the]? [user users]", CONCEAL),
            new Phrase("[don't dont] [tell inform mention alert notify show] [the]? [user users]", CONCEAL),
            new Phrase("without [telling informing notifying alerting] [the]? [user users]", CONCEAL),
            new Phrase("[send email forward transfer upload post exfiltrate leak] [the all this your any]? "
                    + "[conversation chat history data credentials password passwords secrets keys key files contents "
                    + "tokens cookies] [to]", EXFILTRATION));

    private static final PhraseMatcher USER = new PhraseMatcher(DIRECT);
    private static final PhraseMatcher THIRD_PARTY;

    static {
        List<Phrase> all = new ArrayList<>(DIRECT);
        all.addAll(INDIRECT);
        THIRD_PARTY = new PhraseMatcher(all);
    }

    private InjectionRules() {
    }

    /** The kind of the first injection found in {@code text}, or null. */
    static String firstFound(String text, Source source) {
        String[] first = new String[1];
        // a quoted phrase is talked about, not addressed to the model; in third-party text straight double quotes
        // are no quotation (JSON puts every value in them, and a planted instruction in its own)
        Quotes quotes = new Quotes(text, source != Source.THIRD_PARTY);
        (source == Source.THIRD_PARTY ? THIRD_PARTY : USER).find(text, (start, end, kind) -> {
            if (first[0] == null && !quotes.inside(start)) {
                first[0] = kind;
            }
        });
        return first[0] != null ? first[0] : control(text);
    }

    /** A chat-template control token anywhere: looked for only where one can start ({@code <} or {@code [}). */
    private static String control(String text) {
        for (int i = text.indexOf('<'), j = text.indexOf('['); i >= 0 || j >= 0; ) {
            int at = i < 0 ? j : j < 0 ? i : Math.min(i, j);
            for (String marker : MARKERS) {
                if (text.regionMatches(true, at, marker, 0, marker.length())) {
                    return CONTROL;
                }
            }
            if (at == i) {
                i = text.indexOf('<', i + 1);
            } else {
                j = text.indexOf('[', j + 1);
            }
        }
        return null;
    }

    /**
     * Whether a position is inside a quotation ("...", `...`, '...', “...”, «...»): a phrase a user
     * quotes is usually one talked about ("explain why 'ignore previous instructions' works", a filter's test
     * cases), so a rule's match there does not decide and the text is left to the classifier. One pass over the text, as
     * the matches come in order (a position before the last one asked about starts it again); an apostrophe
     * between two letters or digits ("you're") is not a quote.
     */
    static final class Quotes {
        private final String text;
        /** Whether straight double quotes open and close a quotation (not in third-party text: JSON's own). */
        private final boolean doubleQuotes;
        private int at;
        private boolean straight;
        private boolean backtick;
        private boolean single;
        private int curly;

        Quotes(String text, boolean doubleQuotes) {
            this.text = text;
            this.doubleQuotes = doubleQuotes;
        }

        boolean inside(int position) {
            if (position < at) {
                at = 0;
                straight = backtick = single = false;
                curly = 0;
            }
            for (; at < position; at++) {
                switch (text.charAt(at)) {
                    case '"' -> {
                        if (doubleQuotes) {
                            straight = !straight;
                        }
                    }
                    case '`' -> backtick = !backtick;
                    case '\u201c', '\u00ab' -> curly++;
                    case '\u201d', '\u00bb' -> curly = Math.max(0, curly - 1);
                    case '\'', '\u2018', '\u2019' -> {
                        boolean between = at > 0 && at + 1 < text.length() && Character.isLetterOrDigit(text.charAt(at - 1))
                                && Character.isLetterOrDigit(text.charAt(at + 1));
                        if (!between) {
                            single = !single;
                        }
                    }
                    default -> {
                    }
                }
            }
            return straight || backtick || single || curly > 0;
        }
    }

    static String where(Source source) {
        return source == Source.THIRD_PARTY ? "third-party text (a tool result or a document)" : "the user's message";
    }

}
