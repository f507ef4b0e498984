from django import forms
from django.conf import settings

from healthqa.models import Flag, SearchDocument, Topic

MAX_QUERY_LENGTH = 200


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search health questions and articles",
        max_length=1000,
        strip=True,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "e.g. back pain after push-ups"}
        ),
    )

    # Filters: an unknown topic or type is ignored rather than refused.
    topic = forms.CharField(required=False, widget=forms.HiddenInput)
    type = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_q(self):
        # Long pasted text is cut rather than refused: the first words carry the meaning.
        return " ".join(self.cleaned_data["q"].split())[:MAX_QUERY_LENGTH]

    def clean_topic(self):
        slug = self.cleaned_data["topic"]
        if not slug or len(slug) > 140:
            return None
        return Topic.objects.filter(slug=slug).first()

    def clean_type(self):
        kind = self.cleaned_data["type"]
        return kind if kind in SearchDocument.Kind.values else ""


class HoneypotMixin(forms.Form):
    """A field people never see and bots fill in: such posts are thanked and dropped."""

    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    @property
    def is_bot(self):
        return bool(self.cleaned_data.get("website"))


class AskForm(HoneypotMixin, forms.Form):
    title = forms.CharField(
        label="Your question",
        min_length=10,
        max_length=200,
        help_text="One sentence, for example “Why does my back hurt when I do push-ups?”",
    )
    details = forms.CharField(
        label="Details (optional)",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Anything that helps an expert answer. Please leave out names, email addresses "
        "and phone numbers.",
    )
    name = forms.CharField(label="Your name (optional)", required=False, max_length=120)
    email = forms.EmailField(
        label="Your email (optional)",
        required=False,
        max_length=254,
        help_text="Only for our editors, in case they need to ask you something. Never shown.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The template adds the link to the privacy notice when there is one.
        self.fields["email"].help_text += (
            f" We keep your name and email for {settings.HEALTHQA_PERSONAL_DATA_DAYS} days to "
            "answer you, then erase them."
        )


class FlagForm(HoneypotMixin, forms.ModelForm):
    class Meta:
        model = Flag
        fields = ["reason", "details"]
        widgets = {
            "reason": forms.RadioSelect,
            "details": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        }
        labels = {"reason": "What is wrong with this answer?", "details": "Details (optional)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radio buttons: no empty "---------" choice, and none chosen until the reader picks.
        self.fields["reason"].choices = Flag.Reason.choices
        self.fields["details"].help_text = (
            f"We keep what you write here for {settings.HEALTHQA_PERSONAL_DATA_DAYS} days, then "
            "erase it. Please leave out names, email addresses and phone numbers."
        )

    def save(self, *, answer):
        flag = super().save(commit=False)
        flag.answer = answer
        flag.save()
        return flag
