"""Every sentence resobot says on its own, in French and in English."""

from __future__ import annotations

from bot.text.language import Lang

MESSAGES: dict[str, dict[str, str]] = {
    "intro": {
        "fr": "Voici ce que dit la résolution{source} :",
        "en": "Here is what the resolution says{source}:",
    },
    "lookup": {
        "fr": "Texte de la résolution{source} :",
        "en": "Text of the resolution{source}:",
    },
    # Which text the quotes come from, said once per answer.
    "source_fr": {"fr": "", "en": " (quoted in the original French)"},
    "source_en_translation": {
        "fr": " (traduction anglaise non officielle — le texte français fait foi)",
        "en": " (unofficial English translation — the French text is authoritative)",
    },
    "source_en_official": {"fr": " (version anglaise)", "en": " (English version)"},
    "not_covered": {
        "fr": "La résolution {procedure} ne parle pas de {subject} : je ne réponds qu'à partir de son texte.",
        "en": "Resolution {procedure} does not mention {subject}: I only answer from its text.",
    },
    "fact_not_given": {
        "fr": "La résolution {procedure} ne donne pas cette information : je ne réponds qu'à partir de son "
        "texte.",
        "en": "Resolution {procedure} does not give this information: I only answer from its text.",
    },
    "not_covered_question": {
        "fr": "La résolution {procedure} ne traite pas de cette question : je ne réponds qu'à partir de son "
        "texte.",
        "en": "Resolution {procedure} does not cover this question: I only answer from its text.",
    },
    "nearby": {
        "fr": "Sujets proches qu'elle traite :",
        "en": "Nearby subjects it does cover:",
    },
    "ask_about": {
        "fr": "Que dit la résolution sur {topic} ?",
        "en": "What does the resolution say about {topic}?",
    },
    "no_figure": {
        "fr": "La résolution ne donne pas de chiffre à ce sujet.",
        "en": "The resolution gives no figure on this.",
    },
    "about_document": {
        "fr": "Ce texte est la « {title} », procédure {procedure}. Il ne dit ni qui l'a rédigé ou déposé, ni "
        "à quelle date il a été adopté : le numéro de procédure {procedure} permet de le retrouver dans "
        "l'Observatoire législatif du Parlement européen.",
        "en": "This text is the “{title}”, procedure {procedure}. It does not say who drafted or tabled it, "
        "nor on what date it was adopted: the procedure number {procedure} finds it in the European "
        "Parliament's Legislative Observatory.",
    },
    "other_language": {
        "fr": "Je réponds en français ou en anglais / I answer in French or English. Here is my best answer "
        "in English:",
        "en": "Je réponds en français ou en anglais / I answer in French or English. Here is my best answer "
        "in English:",
    },
    "notes_heading": {"fr": "Le Parlement constate :", "en": "What the Parliament notes:"},
    "asks_heading": {"fr": "Ce qu'il demande ou décide :", "en": "What it asks or decides:"},
    "unmentioned": {
        "fr": "La résolution n'emploie pas {words} : les passages ci-dessus sont ce qu'elle dit de plus "
        "proche.",
        "en": "The resolution does not use {words}: the passages above are the closest it comes.",
    },
    "no_date": {
        "fr": "La résolution ne donne pas de date à ce sujet.",
        "en": "The resolution gives no date on this.",
    },
    "no_such_unit": {
        "fr": "La résolution n'a pas de {name} {label} (elle compte {count} {plural}).",
        "en": "The resolution has no {name} {label} (it has {count} {plural}).",
    },
    "empty": {
        "fr": "Votre message est vide : posez une question sur la résolution, "
        "par exemple « Qui est Maks Bokayev ? »",
        "en": "Your message is empty: ask a question about the resolution, "
        "for example “Who is Maks Bokayev?”",
    },
    "no_words": {
        "fr": "Je ne trouve pas de question dans ce message : "
        "écrivez-la avec des mots, en français ou en anglais.",
        "en": "I can't find a question in this message: please write it in words, in French or in English.",
    },
    "truncated": {
        "fr": "(Votre question était longue : seuls ses {n} premiers caractères ont été lus.)",
        "en": "(Your question was long: only its first {n} characters were read.)",
    },
    "sources": {"fr": "Sources", "en": "Sources"},
    "original": {"fr": "original français", "en": "French original"},
    "unit_english_translation": {
        "fr": "Traduction anglaise non officielle — le texte français fait foi.",
        "en": "Unofficial English translation — the French text is authoritative.",
    },
    "unit_english_official": {"fr": "Version anglaise.", "en": "English version."},
    "no_english": {
        "fr": "Aucune version anglaise n'est configurée pour ce texte (RESOBOT_CORPUS_EN).",
        "en": "No English rendering is configured for this text (RESOBOT_CORPUS_EN).",
    },
    "llm_unreachable": {
        "fr": "(Le modèle de langue n'a pas pu être joint : voici la réponse tirée directement du texte.)",
        "en": "(The language model could not be reached: here is the answer quoted from the text.)",
    },
    # Why a generated answer was replaced by the offline one: one line, said before it.
    "llm_unverified": {
        "fr": "(La réponse rédigée par le modèle n'a pas pu être vérifiée dans le texte : voici la réponse "
        "tirée directement du texte.)",
        "en": "(The model's answer could not be verified against the text: here is the answer quoted from "
        "the text.)",
    },
    "llm_no_answer": {
        "fr": "(Le modèle n'a pas trouvé de réponse dans les passages qu'il a lus : voici les passages les "
        "plus proches du texte.)",
        "en": "(The model found no answer in the passages it read: here are the closest passages of the "
        "text.)",
    },
    "llm_refused": {
        "fr": "(Le modèle n'a pas trouvé de réponse dans les passages les plus proches, qui ne parlent "
        "pas de ce que demande la question.)",
        "en": "(The model found no answer in the closest passages, which do not speak of what the question "
        "asks.)",
    },
    "llm_withheld": {
        "fr": "(La réponse rédigée par le modèle a été écartée : voici la réponse tirée directement du "
        "texte.)",
        "en": "(The model's answer was withheld: here is the answer quoted from the text.)",
    },
    # Telegram
    "help": {
        "fr": "Je réponds aux questions sur la <b>résolution du Parlement européen {procedure}</b> "
        "(« {title} ») en citant son texte, en français ou en anglais.\n\n"
        "Exemples :\n• Qui est Maks Bokayev ?\n• Que dit la résolution sur les syndicats ?\n"
        "• Que demande le Parlement au gouvernement du Kazakhstan ?\n\n"
        "Chaque citation renvoie au texte : <b>§ 6</b> = paragraphe 6, <b>considérant F</b>, "
        "<b>visa 3</b>, <b>note 2</b>. Touchez un bouton sous la réponse pour lire le passage entier, "
        "ou tapez /source 6 ; /browse affiche le sommaire.{share}\n\n/reset efface l'historique de la "
        "conversation.",
        "en": "I answer questions about the <b>European Parliament resolution {procedure}</b> "
        "(“{title}”), quoting its text (in the original French), in English or in French.\n\n"
        "Examples:\n• Who is Maks Bokayev?\n• What does the resolution say about trade unions?\n"
        "• What does Parliament ask the government of Kazakhstan to do?\n\n"
        "Every citation points into the text: <b>para. 6</b> = paragraph 6, <b>recital F</b>, "
        "<b>citation 3</b>, <b>footnote 2</b>. Tap a button under an answer to read the whole unit, "
        "or type /source 6; /browse shows the contents.{share}\n\n/reset forgets the conversation.",
    },
    "help_share": {
        "fr": "\n\nPour citer la résolution dans une autre conversation : ↗ Partager sous une réponse, ou "
        "tapez @{bot} suivi de votre question dans n'importe quelle conversation.",
        "en": "\n\nTo quote the resolution in another chat: ↗ Share under an answer, or type @{bot} and "
        "your question in any chat.",
    },
    "cmd_start": {"fr": "Présentation et exemples", "en": "What I do, with examples"},
    "cmd_help": {"fr": "Aide et exemples de questions", "en": "Help and example questions"},
    "cmd_source": {"fr": "Texte d'un passage : /source 6, /source C", "en": "A unit's text: /source 6"},
    "cmd_reset": {"fr": "Oublier la conversation", "en": "Forget the conversation"},
    "cmd_browse": {"fr": "Sommaire : lire la résolution passage par passage",
                   "en": "Contents: read the resolution unit by unit"},
    "contents": {
        "fr": "<b>Résolution {procedure}</b> — sommaire\n{sections}.\n\nTouchez un passage pour le lire ; "
        "◀ ▶ passent au précédent ou au suivant.",
        "en": "<b>Resolution {procedure}</b> — contents\n{sections}.\n\nTap a unit to read it; ◀ ▶ go to "
        "the previous or the next one.",
    },
    "contents_button": {"fr": "☰ Sommaire", "en": "☰ Contents"},
    "bad_link": {
        "fr": "Ce lien ne mène à aucun passage de la résolution. Tapez /browse pour le sommaire.",
        "en": "This link leads to no part of the resolution. Type /browse for the contents.",
    },
    "share": {"fr": "↗ Partager", "en": "↗ Share"},
    "inline_answer_title": {"fr": "Réponse citée ({cites})", "en": "Cited answer ({cites})"},
    "inline_unit_title": {"fr": "{label} — texte intégral", "en": "{label} — full text"},
    "inline_refused_title": {
        "fr": "La résolution ne traite pas de cette question",
        "en": "The resolution does not cover this question",
    },
    "inline_contents_title": {"fr": "Sommaire de la résolution {procedure}",
                              "en": "Contents of resolution {procedure}"},
    "inline_contents_description": {"fr": "Chaque bouton ouvre un passage dans le bot",
                                    "en": "Each button opens a unit in the bot"},
    "inline_not_allowed": {"fr": "Bot réservé à certains utilisateurs",
                           "en": "Bot restricted to certain users"},
    "inline_slow_down": {"fr": "Trop de questions : réessayez dans une minute",
                         "en": "Too many questions: try again in a minute"},
    "inline_not_responding": {"fr": "Le service ne répond pas : réessayez", "en": "No response: try again"},
    "draft_searching": {"fr": "🔎 Je cherche dans la résolution…", "en": "🔎 Searching the resolution…"},
    "draft_found": {
        "fr": "📖 Passages trouvés :\n{units}\n\n✍️ Rédaction de la réponse, puis vérification de chaque "
        "citation…",
        "en": "📖 Units found:\n{units}\n\n✍️ Writing the answer, then checking every citation…",
    },
    "source_usage": {
        "fr": "Usage : /source 6 (paragraphe), /source C (considérant), /source visa 3, /source note 2",
        "en": "Usage: /source 6 (paragraph), /source C (recital), /source citation 3, /source footnote 2",
    },
    "reset_done": {
        "fr": "C'est oublié : la prochaine question repart de zéro.",
        "en": "Forgotten: the next question starts afresh.",
    },
    "text_only": {
        "fr": "Je ne lis que les questions écrites : posez-moi votre question en texte.",
        "en": "I can only read text questions: please type your question.",
    },
    "error": {
        "fr": "Désolé, quelque chose s'est mal passé. Réessayez dans un instant.",
        "en": "Sorry, something went wrong. Please try again in a moment.",
    },
    "vote_thanks": {"fr": "Merci pour votre avis !", "en": "Thanks for your feedback!"},
    "slow_down": {
        "fr": "Vous posez beaucoup de questions : au plus {n} par minute. Attendez un peu, puis réessayez.",
        "en": "You are asking a lot of questions: at most {n} a minute. Please wait a moment and try again.",
    },
    "not_allowed": {
        "fr": "Désolé, ce bot est réservé à certains utilisateurs : je ne peux pas vous répondre.",
        "en": "Sorry, this bot is restricted to certain users: I cannot answer you.",
    },
    "not_responding": {
        "fr": "Le service de recherche ne répond pas. Réessayez dans une minute.",
        "en": "The search service is not responding. Please try again in a minute.",
    },
    "vote_not_counted": {
        "fr": "Ce vote ne peut pas être enregistré.",
        "en": "This vote cannot be recorded.",
    },
}


def say(key: str, lang: Lang, **values: object) -> str:
    return MESSAGES[key][lang].format(**values)
