"""Every sentence resobot says on its own, in French and in English."""

from __future__ import annotations

from bot.language import Lang

MESSAGES: dict[str, dict[str, str]] = {
    "intro": {
        "fr": "Voici ce que dit la résolution :",
        "en": "Here is what the resolution says (quoted in the original French):",
    },
    "lookup": {
        "fr": "Texte de la résolution :",
        "en": "Text of the resolution (original French):",
    },
    "refusal": {
        "fr": "Je n'ai rien trouvé à ce sujet dans la résolution {procedure} (« {title} ») : elle ne traite "
        "pas de cette question, et je ne réponds qu'à partir de son texte. Essayez par exemple : "
        "« Que dit la résolution sur les syndicats ? »",
        "en": "I found nothing on this in resolution {procedure} (“{title}”): it does not cover this "
        "question, and I only answer from its text. Try for example: "
        "“What does the resolution say about trade unions?”",
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
}


def say(key: str, lang: Lang, **values: object) -> str:
    return MESSAGES[key][lang].format(**values)
