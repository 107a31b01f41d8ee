"""How the review's DISTANCE_THRESHOLD was chosen: `python -m evaluation.review_grouping`.

Hand-written wordings of questions a patient might ask that the page does not answer
(written for this purpose; nothing here comes from the test or validation question
sets), some deliberately close to each other (driving / flying, exercise / work), plus
unrelated one-offs. For each threshold it prints the pairwise precision and recall of
"same group" and the adjusted Rand index. Precision matters most (merging two different
questions hides one of them). With the condition's name left out, centring and complete
linkage, precision stays at 0.85-0.90 from 0.45 to 0.65 and drops to 0.73 at 0.70; 0.60
is inside that plateau with margin (recall 0.74, ARI 0.80; 0.65 scores 0.83, at the
edge). Plain embeddings with average linkage peaked at ARI 0.63 (precision 0.73).
"""

from __future__ import annotations

from itertools import combinations

PARAPHRASES: tuple[tuple[str, ...], ...] = (
    (
        "can I drive after spinal surgery",
        "when am I allowed to drive again after my spine operation",
        "is it safe to drive after back surgery for a tumour",
        "how long before I can get behind the wheel after spine surgery",
        "driving after spinal op?",
    ),
    (
        "how much does the treatment cost",
        "is spinal tumour surgery covered by insurance",
        "what is the price of radiotherapy for spine cancer",
        "will my insurance pay for the operation",
        "cost of spine metastasis treatment",
    ),
    (
        "what should I eat with spinal metastases",
        "is there a special diet for spine cancer patients",
        "which foods help with bone metastases",
        "diet advice for cancer in the spine",
    ),
    (
        "can I exercise with a tumour in my spine",
        "is it ok to go to the gym with spinal mets",
        "what exercises are safe with spine metastases",
        "can I still do yoga with cancer in my back",
    ),
    (
        "how do I book an appointment with the clinic",
        "can I make an appointment with a neurosurgeon",
        "how to schedule a consultation",
        "I want to see a spine surgeon, how do I get an appointment",
    ),
    (
        "does proton therapy work for spinal metastases",
        "is proton beam therapy an option for spine tumours",
        "what about proton therapy",
        "can proton radiation treat cancer in the spine",
    ),
    (
        "how long will I live with spinal metastases",
        "what is the life expectancy with spine mets",
        "how many years do people survive with cancer in the spine",
        "survival time for metastatic spinal tumour",
    ),
    (
        "can I get pregnant with spinal metastases",
        "is pregnancy safe with a spinal tumour",
        "what if I'm pregnant and have cancer in my spine",
    ),
    (
        "what painkillers can I take for spine tumour pain",
        "which pain medication is best for bone metastasis pain",
        "is morphine used for spinal metastasis pain",
        "can I take ibuprofen for pain from the tumour in my back",
    ),
    (
        "what is the best sleeping position with a spinal tumour",
        "how should I sleep with spine metastases",
        "is it better to sleep on my back or side with spinal mets",
    ),
    (
        "can I fly with spinal metastases",
        "is it safe to travel by plane with a spine tumour",
        "can I go on holiday abroad on a plane with cancer in my spine",
    ),
    (
        "can I keep working with spinal metastases",
        "should I stop my job because of a spine tumour",
        "will I be able to go back to work after spine surgery",
    ),
    (
        "do I need to wear a back brace",
        "will a spinal brace help with the tumour",
        "is a brace or corset useful for spinal metastases",
    ),
    (
        "when can I shower after spinal surgery",
        "is it ok to take a shower after my back operation",
        "can I wash normally after spine surgery",
    ),
    (
        "can I lift heavy things after spine surgery",
        "how much weight can I lift after my back operation",
        "is lifting my grandchildren ok after spinal surgery",
    ),
    (
        "how long is the recovery after spine surgery",
        "how many weeks to recover from a spinal operation",
        "when will I feel normal again after back surgery",
    ),
    ("will it rain tomorrow",),
    ("who won the football last night",),
    ("what is the capital of France",),
    ("my dog is ill",),
    ("is the hospital car park free",),
)


def pair_scores(truth: list[int], predicted: list[int]) -> tuple[float, float]:
    """Precision and recall of "these two are one question" over all pairs."""
    same_true = same_predicted = both = 0
    for a, b in combinations(range(len(truth)), 2):
        t, p = truth[a] == truth[b], predicted[a] == predicted[b]
        same_true += t
        same_predicted += p
        both += t and p
    return both / max(same_predicted, 1), both / max(same_true, 1)


def main() -> None:
    from sklearn.metrics import adjusted_rand_score

    from spine_assistant.review.grouping import (
        DISTANCE_THRESHOLD,
        LINKAGE,
        cluster_labels,
        project_encoder,
        training_centre,
    )

    texts = [text for group in PARAPHRASES for text in group]
    truth = [index for index, group in enumerate(PARAPHRASES) for _ in group]
    encoder, centre = project_encoder(), training_centre()
    print(f"{len(texts)} texts, {len(PARAPHRASES)} questions, {LINKAGE} linkage")
    print(f"chosen threshold: {DISTANCE_THRESHOLD}")
    print("threshold  groups  precision  recall  ARI")
    for step in range(8, 19):
        threshold = step * 0.05
        labels = cluster_labels(texts, encoder, centre, threshold)
        precision, recall = pair_scores(truth, labels)
        ari = adjusted_rand_score(truth, labels)
        groups = len(set(labels))
        print(f"{threshold:9.2f}  {groups:6d}  {precision:9.2f}  {recall:6.2f}  {ari:.3f}")


if __name__ == "__main__":
    main()
