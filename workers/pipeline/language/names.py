"""English names of the languages this stage can report."""

NAMES = {
    "und": "Undetermined", "en": "English", "zh": "Chinese", "ru": "Russian", "es": "Spanish", "fr": "French",
    "de": "German", "ar": "Arabic", "pt": "Portuguese", "ja": "Japanese", "ko": "Korean", "it": "Italian",
    "nl": "Dutch", "tr": "Turkish", "pl": "Polish", "uk": "Ukrainian", "vi": "Vietnamese", "id": "Indonesian",
    "fa": "Persian", "hi": "Hindi", "sv": "Swedish", "el": "Greek", "he": "Hebrew", "bn": "Bengali",
    "pa": "Punjabi", "gu": "Gujarati", "ta": "Tamil", "te": "Telugu", "kn": "Kannada", "ml": "Malayalam",
    "si": "Sinhala", "th": "Thai", "lo": "Lao", "my": "Burmese", "ka": "Georgian", "am": "Amharic",
    "km": "Khmer", "hy": "Armenian",
}

# The 20 news languages the service is tuned and evaluated for.
NEWS_LANGUAGES = ("en", "zh", "ru", "es", "fr", "de", "ar", "pt", "ja", "ko", "it", "nl", "tr", "pl", "uk", "vi",
                  "id", "fa", "hi", "sv")
# Languages that own their script: adding them costs nothing in accuracy on the others.
SCRIPT_ONLY_LANGUAGES = ("el", "he", "bn", "pa", "gu", "ta", "te", "kn", "ml", "si", "th", "lo", "my", "ka", "am",
                         "km", "hy")
DEFAULT_LANGUAGES = NEWS_LANGUAGES + SCRIPT_ONLY_LANGUAGES
