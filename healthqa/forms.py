from django import forms

from healthqa.models import Flag

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

    def clean_q(self):
        # Long pasted text is cut rather than refused: the first words carry the meaning.
        return " ".join(self.cleaned_data["q"].split())[:MAX_QUERY_LENGTH]


class FlagForm(forms.ModelForm):
    class Meta:
        model = Flag
        fields = ["reason", "details"]
        widgets = {
            "reason": forms.RadioSelect,
            "details": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        }
        labels = {"reason": "What is wrong with this answer?", "details": "Details (optional)"}

    def save(self, *, answer):
        flag = super().save(commit=False)
        flag.answer = answer
        flag.save()
        return flag
