"""Possible spinal cord compression wins over any other intent, and only when described."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from spine_assistant.components.emergency_detector import (
    EmergencyDetector,
    describes_emergency,
    red_flags,
)
from tests.unit.classified import classified_message

pytestmark = pytest.mark.safety

DESCRIBED_EMERGENCIES = [
    "I can't walk",
    "cant feel my legs",
    "my legs are getting weaker and weaker",
    "My dad's legs gave way this morning",
    "mum lost control of her bladder last night",
    "he has wet himself and doesn't know it",
    "numb between my legs",
    # a clinical note: a past condition, then the signs it presents with
    "hx of prostate ca, bilateral leg weakness, urinary retention",
    "previous breast cancer, legs weak and numb bum",
    "had myeloma in 2016, can't stand, wet herself",
    "years ago had lung cancer, legs gone weak and numb between them",
    # a clinician weighing what a present sign is
    "saddle anaesthesia vs sciatica, known ca prostate",
    "my husband has numbness in his groin and bottom",
    "sudden severe back pain, I have breast cancer",
    "She cannot stand up since yesterday",
    "my legs went weak, also what is an MRI for?",
    "weakness in both legs",
    "I haven't been able to pee since this morning",
    "loss of bladder control",
    # a learning or a group cue does not reach a sign said to be so now
    "I learnt that the hard way: I can't pass urine since last night.",
    "Lots of people with cancer get back pain, but my wife's legs have gone weak today.",
    # retention seen in a catheter bag, weight refused, a foot that drops, feeling lost
    "Mum's catheter bag is still empty this evening and she has had plenty to drink.",
    "He won't put any weight on his legs since breakfast.",
    "my right foot flops when I walk, started on Monday",
    "I can't feel when I'm weeing since yesterday",
    "I've not been able to feel the saddle area since noon",
    "known breast ca, sudden onset severe thoracic pain 1hr ago",
    "is it normal to not feel when you're peeing? it just happened",
    # a frame taken back: the sign is the writer's after all
    "Asking for revision - no, not for revision, it's me: I can't feel my bottom since lunch.",
    "hypothetically, what if someone's legs gave way? not hypothetically, an hour ago",
    # a policy named, not written: the resident's sign is news
    "Care home: a resident has been incontinent twice today. Our policy says to check here.",
    # paralysis and "stopped working" wording
    "I think I'm going paralysed",
    "his legs have just stopped working",
    "my legs won't hold me up",
    "the last two days my legs have started to go",
    "his legs are failing, what is a CT scan for?",
    # British "packed in" and being wheeled about instead of walking
    "my legs packed in on the way to the kitchen this morning",
    "Dad's legs have conked out since lunch",
    "my wife has to wheel me everywhere since Friday",
    # retention is bladder dysfunction too
    "she hasn't passed urine all day",
    "I can't empty my bladder",
    # clinical notes
    "known ca, new bilat leg weakness, retaining",
    # a new sign noted before the question that asks what to do
    "breast ca, new weakness both legs - plan?",
    # ... or a last clause asking what to do about the note before it
    "dribbling urine, bladder scan 700ml, known spinal mets - escalate?",
    "paraplegic since 0500, previously mobile - next step?",
    "saddle numbness found on PR exam - same day MRI?",
    "urinary incont new today, lung ca - advice?",
    "Any weakness in your legs? - yes, since this morning",
    "72M prostate ca, new onset LL weakness, ?MSCC",
    "pt unable to weight bear since this am",
    # first person and carers, typos
    "my legz r weak n numb",
    "dad cnt wee and his back is agony",
    "grandad can no longer walk",
    # a negation elsewhere does not hide a described flag
    "no bladder problems but he can't walk",
    "No, she can't walk.",
    "I don't know what to do, my dad can't walk",
    "I'm a student but right now I can't feel my legs",
    # asked, but said of someone or of now
    "is it normal that my legs feel weak?",
    "what does it mean that my legs have gone numb?",
    "why can't I walk since this morning?",
    "what if my legs have gone weak since Monday?",
    "his legs have gone weak, they aren't numb",
    # a question, then a short sentence saying it is happening now
    "is it serious if your legs won't push? it's new since last night",
    "is it normal to not feel like you need a wee at all for a whole day?",
    "i can't tell if i've wet myself",
    "my legs suddenly won't carry me",
    "omg mum just slid down the wall her legs just went",
    # a negated finding, then a comma and a change: the negation ends at the comma
    "no UO 8h, also new weakness both legs",
    "not PU since 6am, legs weaker than this morning",
    "no fever n legs r wobbly",
    # a present-time cue right after the flag outweighs an "if" earlier on
    "need to know if i should go to a&e, cant wee since last night",
    # retention, unnoticed soiling and numbness in words without a medical term
    "haven't passed a drop since lunch",
    "he doesn't feel the urge to wee any more",
    "she pooed the bed last night",
    "nothing much comes out when he tries to wee",
    "couldn't feel anything when I sat on the toilet",
    "his legs feel like cotton wool",
    "barely making it to the loo since the weekend",
    # clinical notes: a bladder felt full, a duration
    "palpable bladder, not PU since 0800",
    "hx melanoma, new foot drop L, 24h",
    # what the patient keeps saying about himself is described
    "dad keeps saying his bottom feels dead, started at the weekend",
    # sudden severe back or neck pain in everyday words, scores and similes
    "pain 9/10 lower back, started today, breast ca",
    "my back has been agony since lunch, I have myeloma",
    "worst pain of my life in my neck today, prostate cancer",
    "dad is screaming with pain in his back, he has lung cancer",
    "it's like a knife in my back since this morning, bowel cancer",
    "bak pain realy bad since this mornin, got cancer",
    # saddle numbness in lay words
    "everything down there feels numb since yesterday",
    "wiping feels weird, sort of numb, since this morning",
    "i feel nothing in my bum when i sit",
    # a comma after a negated clause that names no symptom ends the negation
    "she can't get up the stairs since yesterday, legs too weak",
    "his knees keep buckling today",
    # "on exam" is a clinician's examination, not a student's
    "reduced saddle sensation on exam today, known prostate ca",
    # a function no longer normal, in the words of a normal state
    "she's not in control of her bladder anymore",
    "he isn't in control of his bowels any more",
    "my father no can walk from yesterday, he have cancer in prostate",
    "he doesn't have control of his bladder",
    "dad hasn't got any control over his bowels",
    "he doesn't have any feeling in his bottom",
    "mum doesn't have bladder control anymore",
    # a lost ability in other words, and durations that are not over
    "he doesn't have the strength to stand up since this morning",
    "he's lost the use of his legs",
    "he doesn't know when he needs to go to the toilet any more",
    "no sensation when wiping since yesterday",
    "my legs don't feel like mine anymore",
    "my legs have no strength",
    "I have lost all sensation in my legs",
    "she's not walking since yesterday",
    "he has stopped being able to walk",
    "my legs have been weak since last month",
    "he's had trouble passing urine since yesterday",
    "she can barely feel her bottom on the seat today",
    "i can't wiggle my toes since this morning",
    "dad's legs won't take his weight tonight",
    "sudden really bad pain in the middle of my back an hour ago, I have myeloma",
    "could my husband become paralysed? he can't move his legs since this morning",
    "he is dragging his foot since monday",
    "my dad has gone floppy in both legs and is slumped in his chair",
    "her legs went limp on the stairs",
    # a sign that holds its own negation negates nothing after it
    "cannot stand up straight, keep falling over, legs feel like jelly",
    # a statement that opens like a question
    "Cannot feel my feet properly since this afternoon",
    # "generally" in another sentence does not make a report a learning question
    "Since Friday my dad has been barely making it to the loo. What is MSCC generally?",
    # wet or soiled without knowing, or emptied by itself
    "her sheets were soaked this morning and she never noticed",
    "he was wet through at lunch and had no idea",
    "my bladder just let go in the supermarket",
    "urine keeps leaking out by itself since tuesday",
    # severe pain in other words
    "my back pain has kept me up all night, the worst ever, and I have bone mets",
    "back pain since yesterday and the morphine isn't touching it, known lung ca",
    "huge pain in the middle of my back since this morning, I have myeloma",
    "since this morning grandad keeps messing himself",
    "her left foot drags since friday",
    "Ever since Monday my right leg drags",  # "ever since" is no "if ever"
    "his legs keep giving in when he walks, since yesterday",
    "new bilateral LL paraesthesia since handover",
    "3/5 weakness both legs on the ward round today",
    "today she requires a hoist to transfer, known mets",
    "dad can't manage the stairs tonight, known prostate ca",
    "his legs won't do what he tells them since lunch",
    "the bladder hasnt worked since last night",
    "mum says she can't feel her legs",  # reported, but of someone
    # a relayed story told now, or followed by a call for help, is a report
    "My neighbour says her husband can't walk and has wet himself.",
    "My neighbour says her husband can't walk. Which cancers spread to the spine?",
    "Mum rang, she says her husband's legs gave way. What should we do?",
    "My friend told me her dad went numb between the legs this morning. Is that urgent?",
    "His wife said he couldn't pass urine. Which cancers spread to the spine?",
    "My friend said her husband went off his legs. Can it be treated?",
    "A lady at church said her husband became paralysed yesterday. Is that a symptom?",
    "My friend said her husband became paralysed. Is this serious?",
    "My friend said her husband became paralysed. Which cancers spread? Should we go in?",
    # a "do" after someone or a modal asks what to do
    "My friend said her husband became paralysed. What do we do?",
    "My friend said her husband became paralysed. What to do?",
    "My friend said her husband became paralysed. What would you do?",
    "Apparently my friend's dad lost control of his bladder. What should I do?",
    "My sister rang and said her husband collapsed and couldn't get up. What is MSCC?",
    "His wife called to say he can't stand up and his legs are floppy.",
    "His wife rang me and said he'd lost the use of his legs and was on the floor.",
    "Text from my friend: her husband's back pain came on really suddenly. Is that typical?",
    "Dad says his back went suddenly and the pain is really bad. He has kidney cancer.",
    # "can't … without": the legs do buckle
    "since yesterday she can't reach the garden gate without her knees buckling",
    # "before they found out" is no story that ended in a diagnosis
    "My legs have gone weak before they found out what's wrong, should I go to A&E?",
    "Dad's legs went weak this morning, before they found anything on the scan.",
    # a past sign that is back, and a sign now before a question about the future
    "My legs went weak last year and now they're weak again.",
    "My wife can't walk, and down the line could she be paralysed?",
    "At some point this morning his legs gave way.",
    # "still" says a past sign is there now
    "He couldn't pass urine before he was diagnosed and still can't.",
    "His legs went weak last year and they are still weak.",
    # a sign that began in the past and is growing now
    "She can't walk, this started last month and is getting worse.",
    "His legs went weak years ago and are getting weaker.",
    # a short sentence does not end what the one before it is about
    "We were told to watch for her bladder control going. It has gone. Since this morning.",
    # a present time right at the sign cancels "supposing"
    "Supposing his legs have gone weak since last night, what do we do?",
    "Suppose she can't pass urine since this morning, is that serious?",
    # one of a group, but now; or a group and then someone
    "My dad is one of those patients who can't walk since this morning.",
    "My mum is one of those patients who can't walk.",
    "We are people who can't cope, my husband can't walk.",
    "I know someone who can't walk.",
    # a relayed story with the sign said to be so now stays a report
    "A man at work said his wife's legs are weak. Which cancers spread to the spine?",
    # news of someone else's someone, not dated; "he" only stands for them in a dated story
    "My neighbour's son couldn't walk. Which cancers spread to the spine?",
    "My cousin's wife said she couldn't pass urine. How common are spinal mets?",
    "A man at my church said he was paralysed from the waist down. Is a biopsy used?",
    "My friends husband went numb in the saddle area this week. Is MRI the best scan?",
    "A man at work said my legs were weak. Which scans are used?",
    # relayed as fact ("said that"), dated now, an aside, a reason, the speaker's own sign
    "My son said that his dad can't pass urine. Which scans are used?",
    "The carer wrote that she couldn't stand up. Is it MSCC?",
    "He's had myeloma for three years and since yesterday he can't stand. Which scans are used?",
    "My aunt says her husband, who has bowel cancer, can't pass urine. Which scans are used?",
    "She phoned to say she couldn't get off the sofa because her legs went numb. What is MSCC?",
    "My neighbour, who has myeloma, said both legs went weak. Which scans are used?",
    # someone seen on television is a stranger, the writer's own sign is news
    "We watched a documentary on MSCC and now I can't feel my legs. Is it that?",
    "saw a programme on spinal cancer, my legs have been numb since this morning",
    # an odd feeling between the legs, before or after it
    "funny feeling between my legs since last night",
    "the feeling between my legs isn't right today",
    "I'm starting to lose the feeling between my legs",
    # a past start, and the sign still so: "they still are"
    "Last month my legs went numb and they still are",
    "I was in hospital last month when my legs went numb and they still are",
    "I'm on an exercise programme and my legs gave way today",
    "Mum saw on TV that numbness matters, and she has numb legs now. What is MSCC?",
    "He was diagnosed yrs ago and now he cant walk. What do I do?",
    "Our neighbour's son can't walk since this morning, she told me. What should we do?",
    "My dad couldn't pass urine, my mum told me. Which scans are used?",
    # a leg sign named only through "mine", after someone else's
    "Someone on a forum said their legs went numb. Mine have gone weak too, what do I do",
    "A man on TV said his legs went numb in 2019. Mine have gone numb since Sunday.",
    # what was read or seen does not reach a sign that opens its own clause
    "Been on forums all day, legs feel numb and weak.",
    "saw a documentary, cant feel legs",
    "read online about cord compression, legs numb and weak, cant pee",
    # "the same" happening now after a sign only told of
    "A man on the radio said his legs went numb. Same thing is happening to me now.",
    "My friend's mum lost bladder control years ago. My mum has the same since last night.",
    "My friend told me her dad fell over and he said he couldn't feel his legs. What is MSCC?",
    # legs that stop obeying, a foot that scuffs, a near fall, barely moving, stuck in a seat
    "since lunchtime his legs seem to have stopped listening to him",
    "he's been scuffing his left foot along the floor since Tuesday",
    "I nearly fell on the stairs this morning, I have spinal mets",
    "the pain is so bad I can barely move, prostate cancer in my spine",
    "she's unable to get herself off the sofa today",
    "Resident with lung cancer, since morning he not walk",
    # accidents in a seat, leaking bowels, straining with nothing, a pain in the back so bad
    "Today she's had two accidents in her chair and didn't even realise",
    "my bowels have started leaking and I can't feel it happening",
    "I've been straining since 6am and nothing",
    "Tonight I got a pain in my back so bad I'm on the floor. Lung cancer in my spine.",
    # a sign only warned of, then said to have begun ("it's started", "like that since")
    "GP told me to watch for trouble passing water. Well, it's started since 6am.",
    "The nurse said to ring if my legs ever feel heavy. They've been like that since lunch.",
    "My doctor said if my bowels ever leak, to ring. It's happened twice since last night.",
    "I was warned a sudden, severe pain in my back could mean trouble. It hit 40 minutes ago.",
    "Can back pain from spinal mets suddenly get much worse? That's what happened to me just now.",
    "Can numbness right where you sit on a bike come from the spine? It started today.",
    # legs that stop moving or taking weight, legs that cannot be swung or shifted
    "my husband's legs stopped moving about an hour ago",
    "a swimmer says his legs stopped taking his weight a few minutes ago",
    "since this afternoon I can't swing my legs into the car",
    "he can't roll over or shift his legs in bed since he woke",
    # a long-standing problem next to a new sign; a gradual loss; relayed in other words
    "Slipped disc for 15 years, same old ache. But since this afternoon there's no feeling "
    "around my back passage, which is new.",
    "There's no feeling at all around my back passage, it started after lunch today.",
    "Weak stream for years. Since 6am not a single drop has come out.",
    "Tonight my back suddenly went into the most savage pain, I have bowel cancer.",
    "My back pain came on out of nowhere an hour ago, I'm having chemo for lung cancer.",
    "This week I can't balance on either leg and the right one won't lift at all.",
    "My toes have tingled for years. Since Sunday the numbness is in my seat area.",
    # carried or lifted, newly in a wheelchair, the back suddenly bad, the early hours
    "The paramedics had to lift her onto the trolley this afternoon. She has myeloma.",
    "He had to be carried to the bathroom this morning, he walked fine on Sunday.",
    "Dad's needed the wheelchair since Tuesday, last week he was walking the dog.",
    "My back suddenly got much worse an hour ago and I have kidney cancer.",
    # walking downhill, furniture to hold on to, no floor underfoot, leaks, won't walk
    "Since Friday her walking has gone right downhill and she grabs the furniture to move.",
    "Today I can't feel the ground when I walk, like walking on cotton wool.",
    "He keeps getting these leaks since yesterday and never has before.",
    "Since this morning my grandson won't stand, he has leukaemia in his spine.",
    "first time ever she cant get up off the loo, lung ca",
    # a general question, then "that's happened to me"; "been like this"; can't stop it
    "Can spinal mets make you wet yourself? That's happened to me twice since breakfast.",
    "why would u not be able to pee at all?? mum has lung ca. been like this since lunch",
    "I can't stop wetting myself since this afternoon, it has never happened before",
    "my back just went an hour ago, worst pain ever, kidney cancer, I can't move",
    "Since 4pm he can't get any wee out at all.",
    "Known myeloma, new inability to ambulate since this morning.",
    "Numb from the knees down since I woke up, I have breast cancer in my spine.",
    # "hasn't worn off" is no ending; "no feeling at all between"; "she no can make pee"
    "My bum feels numb, like an injection that hasn't worn off, since lunchtime.",
    "No feeling at all between my legs since I woke up, I have myeloma.",
    "My father has lung cancer. Since this morning he no can pass water.",
    # a leg that won't do it, a foot dragged, no feeling of the flannel, the past hours
    "Tried to get into the bath and my right leg wouldn't do it. Lung cancer in my spine.",
    "He's been dragging his right foot all afternoon and now it won't lift.",
    "She couldn't feel the sponge between her legs when I washed her today.",
    "In the last few hours I've lost feeling around my bottom. Breast cancer in my spine.",
    # only a little movement left, vowels dropped
    "Since lunch she can only move her feet a little. Myeloma in her spine.",
    "my dad cnt stnd this morning, cancer in his spine",
    # retention in other words, a sign the next sentence claims, a statement without "I"
    "He's bursting for a wee but it just won't come. Prostate cancer in his spine.",
    "Two days without being able to wee properly now. Bowel cancer, spread to my back.",
    "The leaflet says loss of bowel control is a red flag. That's what I've got since today.",
    "Legs are weak since Friday. Can barely get from the bed to the chair now.",
    "I'm writing a novel, but since this morning my husband can't walk. Is it the cancer?",
    # weight not borne, a sign followed by a filler "you know?"
    "Since breakfast she can't put any weight on her legs. Myeloma in her spine.",
    "my legs just won't hold me, you know? it started at lunch. prostate cancer",
    "You list new leg weakness - that's what my dad has had since this morning.",
    # a negation does not reach into brackets
    "No pain (can't walk since lunch). Lung cancer in my spine.",
    # asked whether they can stand or pass urine, and the answer is no
    "The carer asked if Mum could stand for her wash. She said no, not today. Myeloma.",
    "111 asked whether he had been able to wee since lunch - no, nothing at all.",
    # fragments, a body part gone strange, bowels that act on their own
    "Waterworks. Nothing since breakfast. Myeloma in my spine.",
    "Since lunch her bottom feels like it belongs to somebody else. Breast cancer.",
    "It comes out and he doesn't notice it, since last night. Lung cancer in his spine.",
    "She's not been able to have a wee all day. Cancer in her back.",
    # degrees, "neither of his legs", no strength left, carried by two, a leaking bowel
    "His legs are half as strong as they were on Monday. Lung cancer in his spine.",
    "Since lunch neither of her legs is working. Myeloma.",
    "There's no strength in my legs this evening. Breast cancer in my spine.",
    "Today it took two of us to get him to the toilet. Prostate cancer in his spine.",
    "Leaking from my back passage since this morning and I can't feel it. Spinal mets.",
    "No sensation at all around my bottom since I woke up.",
    # ... but a sign of the writer's own, or of someone they know, dated now stays news
    "Watched a documentary last night and since then my legs have gone weak. What is MSCC?",
    "My friend posted on Facebook that her husband couldn't walk last night. What is MSCC?",
    "Diagnosed with breast cancer in 2019, and since the early hours I can't pass urine.",
    # a sign dated now in its own clause, after a past time that dates something else
    "knee replacement in 2015, new weakness in both legs today",
    "bowel ca dx 2021, legs went numb this afternoon",
    "unable to stand since 5am, previously independent, lung ca diagnosed in 2018 - plan?",
    "cannot pass urine since last night, had a hernia repair in 2012",
    # bowel incontinence in its plain words
    "since teatime he's leaked poo three times and not noticed",
    # a sign's first word with a capital, or shouted
    "Legs buckled on the way to the loo tonight.",
    "CAN'T MOVE MY LEGS SINCE TEATIME",
    # signs in other words
    "nothing was coming out when she tried to pee all morning",
    "pins and needles from the waist down since breakfast",
    "pins and needles round his groin since he got up",
    "He was walking normally till yesterday. Prostate cancer.",
    "since lunchtime no urge at all to pee",
    "it's scary to not be able to feel my legs properly, it began tonight",
    "new difficulty initiating micturition overnight, known prostate mets",
    "she keeps soiling without knowing, it started on Sunday",
    "wanted the toilet and couldn't go, six hours now",
    "the radiotherapy fixed it in May but there's weakness back in his legs since Tuesday",
    # a learner who says it is about someone of their own after all
    "I'm a nursing student but this is about my own mum: her bottom and inner thighs went numb "
    "tonight",
    # wiping or a bedpan not felt; nothing will come out; legs "like sleeping" or won't
    # straighten; woken with it; someone who phoned to say it of themselves
    "since this morning grandad can't feel a thing when he wipes himself",
    "the patient in bay 4 can't feel the bedpan under him anymore, new this evening",
    "been sat on the loo an hour and nothing will come out, I have bowel cancer in my spine",
    "my mother legs are like sleeping from this morning and she fall two times",
    "woke up with excruciating back pain, kidney ca in the spine, is that a symptom?",
    "her legs won't straighten properly since lunch",
    "My husband called from work saying he's been in the gents an hour and nothing will come out",
    # signs asked about as questions, in words the patterns lacked
    "my knee just goes when I stand, twice today, myeloma",
    "is it the chemo? I've lost all the feeling in my left foot since breakfast",
    "she hasn't been able to get her legs to move since tea time",
    "can't tell if my bladder is full anymore since yesterday, is that the spine?",
    "dad not can walk from this morning, he has prostate cancer",
    "my legs have gone heavier every day this week, is that from the mets?",
    "is it usual not to be able to pee for a whole day? myeloma",
    # the team knows of something else, or it is new since a day
    "Since Tuesday his legs keep giving way. The oncologist knows about his spine mets.",
    "her legs have been weak since Sunday, the GP knows",
    # the time in a clause that only says when it started; an older cancer after it
    "my legs feel heavy and weak, started a couple hrs ago, had bowel cancer 3 yrs ago",
    # severe back pain reached from a mild one
    "Since this morning my back pain has gone from a twinge to absolutely unbearable.",
    # an onset later in the sentence, or told of with "mine"; a score that jumped
    "my back pain was fine at tea time, then an hour ago it hit out of the blue",
    "Her back pain is different from her usual ache, it came all at once this evening. Lung ca.",
    "the page says the pain is constant. mine came on suddenly at 3am. bowel ca with mets",
    "his back pain shot up from a 3 to a 10 tonight, kidney cancer in the spine",
    # a general question, then claimed for someone now
    "What makes back pain suddenly turn excruciating in cancer? "
    "That's what my husband has got now.",
    # an aside between the legs and what they won't do; the urge to go has vanished
    "Her legs (the right one mostly) won't take her weight since she woke up, myeloma",
    "my urge to pass water has completely gone since last night, prostate ca",
]

MENTIONS = [
    "My legs packed in after a fall in 2019, fully recovered. Which cancers spread to the spine?",
    # a sign that went within hours
    "She had a numb bum after her epidural, but it went in a few hours. Which cancers spread?",
    # a function never there, or come back
    "I was born with spina bifida and have never had normal bladder control. What is a biopsy?",
    "His bladder control returned after the operation. Is keyhole surgery quicker to recover from?",
    # an ending right after the sign, whatever comes before it
    "Now the numbness in my feet has gone, what causes spinal metastases?",
    "Dad couldn't pass urine after his hip operation, which sorted itself by the evening. "
    "What is MSCC?",
    # long-standing since a dated event
    "My brother has been paralysed from the chest down since a rugby injury in the eighties. "
    "Which cancers spread to the spine?",
    "grandad had a stroke 2011, left leg weak ever since. what is a ct scan for?",
    # a sign said of a group, or read in a list or a teaching context
    "Our ward sees a lot of patients with leg weakness. What does the SBRT study compare?",
    "I noticed incontinence in a list of complications. What else is on it?",
    "What are the goals of surgery? It's for a journal club on paraplegia.",
    "Untreated it may result in paraplegia. Who decides on treatment?",
    # a new sign asked about in its own clause is a general question
    "is new leg weakness a red flag in spinal mets?",
    "leg weakness, incontinence - are these symptoms?",
    # a form's or a nurse's question answered no
    "Any numbness between your legs? - no. Which cancers spread to the spine?",
    "Bladder trouble? no. How is it diagnosed?",
    "paralysed by cord compression, rehab done, walking now - which cancers spread to the spine?",
    # normal findings; a long-standing sign unchanged; a "since" dated in the past; stories
    "Lower limb power 5/5 bilaterally, sensation intact. What does a CT scan show?",
    "Power normal in both legs, no retention. Which cancers spread to the spine?",
    "The same ache I've had since my operation last year. Is that typical of spinal mets?",
    "Stroke in 2015, so my left leg has always been weak and nothing's changed.",
    "My cousin's husband ended up paralysed from cancer. Can it be prevented?",
    "Physio trainee: patients with cord compression often have weak legs, why?",
    # "at the time" and "which turned out" date a sign; fine at the moment; normal findings
    "In 2019 I was diagnosed. At the time my legs were weak, but I walk fine now.",
    "He couldn't pass urine for a day, which turned out to be an infection. What is MSCC?",
    "If my legs ever went weak, who would I call? I'm fine at the moment.",
    "Still walking with a frame, no change, and no wee problems. What is keyhole surgery?",
    "A TV drama showed a man who couldn't move his legs. Why are steroids given?",
    # a denial, a lifelong sameness, normal findings, a review of the literature
    "It's not like I can't walk, I walk the dog daily. What does a CT scan show?",
    "Stress incontinence since my second child, same as it's always been. Is that a risk?",
    "Sensation intact, power normal. Which cancers most often spread to the spine?",
    "Writing a literature review on paraplegia after cord compression: what is MSCC?",
    "Is surgery worth it? I read a post from a man who said he was paralysed for a month.",
    "I can't stop reading about paralysis. Can spinal tumours cause it?",
    # tired, a friend's pain, an old routine, "before two years", not so now, a report
    "Wiped out after radiotherapy, nothing else going on. What is keyhole surgery?",
    "My friend with spine mets was in agony but I'm fine. What decides the symptoms?",
    "He's had a catheter on the same routine for years, nothing new. What is MSCC?",
    "Before three years my mother cannot walk, but after the operation she walks well.",
    "The nurse asked if I had numbness in my legs. I didn't then and I don't now.",
    "Writing a report, not about anyone in particular: does paralysis change outcomes?",
    # a fear of what scans will do, normal power, the weakness "I had before" the op
    "I'm scared the scans will damage my spine and leave me unable to walk one day.",
    "Review today: normal power in both legs, continent. How is treatment decided?",
    "The leg weakness I had before the operation has gone. When can I drive again?",
    # a year with a filler word ("in like 2018") is still a past date
    "My dad lost bladder control in like 2017 after a fall. Which cancers spread there?",
    "Dad had numbness down below in about 2016, no idea why. What is a biopsy?",
    # a story being written, "not that", what the page mentions, "but it was …"
    "For my short story, a man with lung cancer suddenly can't walk. Which test finds it?",
    "In my novel the heroine loses control of her bladder. Does myeloma spread to the spine?",
    "Does it spread to bone? Not that I have any numbness down below, I don't.",
    "The symptoms section mentions paralysis. What does the page say causes it?",
    "Mum couldn't pass urine one night but it was an infection and it cleared. What is MSCC?",
    "MCQ: which of these is a red flag? A) cough B) saddle anaesthesia C) rash",
    # a month with its year, a sign before a transplant, what "you list"
    "I couldn't pass urine in March 2023 after an op. Which cancers spread to the spine?",
    "His legs were weak before his bone marrow transplant. What is a needle biopsy?",
    "You list numbness in the saddle area. Is that the same as sciatica?",
    # other cues do: the aside says more of what comes just before it
    "The signs to look out for (leg weakness, numb bottom) frighten me. How common is it?",
    # ... but "no problems" answers that all is well
    "The physio asked if he could walk to the door - no problems at all. What is MSCC?",
    # labelled past history, recovery, the end of a life, fine now
    "Past: leg weakness 2018 after a fall. Q: which scan finds spinal mets?",
    "Grandad couldn't stand near the end, that was 2015. What is a biopsy?",
    "My mum had bladder problems before, now she is fine. Does myeloma spread to bone?",
    "Mum's saddle numbness from 2019 has gone. Can acupuncture help nerve pain?",
    "He had leg weakness the year before last, all better now. What is a biopsy?",
    "My legs are as strong as ever. What does keyhole surgery involve?",
    # a stranger in something watched or read: its time is the story's, not the writer's
    "Watched a film last night where a man suddenly couldn't walk. Is MSCC common?",
    "Read a blog where someone lost control of their bladder overnight. What causes it?",
    # said of people in general, past events, what may come
    "how long do people live once they're paraplegic from spinal mets",
    "my neighbour was paralysed from spine mets a long time ago, what cancers spread to the spine?",
    "my dad's legs went weak before his spinal surgery but he's fully recovered now",
    "my report mentions cord signal change, am I going to be paralysed",
    "is incontinence a symptom? I have been reading up since yesterday",
    # general questions
    "is loss of bladder control a symptom?",
    "can it cause weakness in the legs?",
    "can you walk after keyhole surgery?",
    "is numbness a symptom?",
    "does it cause back pain?",
    "can spinal mets make someone unable to walk?",
    # negations
    "no leg weakness, just asking how it's diagnosed",
    "he has no numbness or weakness and his bladder is fine",
    "I don't have any leg weakness, what does an MRI show?",
    "mum denies any bladder or bowel problems",
    # past and resolved
    "dad was incontinent two years ago after an infection but it cleared up",
    "her legs were weak before the operation and are fine now",
    # hypothetical and future
    "what signs should we watch for, like leg weakness?",
    "if my husband ever gets numb legs, who do we call?",
    "what does it mean if my legs go numb?",
    "his legs aren't weak",
    "we were told paralysis can happen if the cord is squashed",
    # learning
    "nursing student revising MSCC: does it cause urinary retention?",
    # a comma list after a negation stays negated
    "no weakness, numbness or incontinence, which scan is used?",
    "pt reports no new weakness",
    # supposed, long explained, or what may come
    "supposing my mum lost bowel control, would surgery help?",
    "say I got saddle numbness some night, where would I go?",
    "I've had stress incontinence since having my kids, which cancers spread to the spine?",
    "the consultant said it might eventually cause paraplegia",
    "someone wrote that sudden severe back pain needs a scan",
    "she had incontinence after the op, which has since resolved",
    "my legs used to give way",
    "how soon is treatment needed once they lose bladder control?",
    "is severe back pain a red flag?",
    "his incontinence is long-standing",
    "grandad was paralysed before he died",
    "her legs gave way once at christmas",
    "for my exam: is saddle numbness a red flag?",
    # nothing of the kind
    "hello",
    "how is it diagnosed",
    # a function said to be normal
    "she has full control of her bladder and bowels. how is it treated?",
    "Dad has full feeling in his bottom and legs. Is NF2 linked to spinal tumours?",
    "Normal sensation in the saddle area. What scans are used?",
    "she has good bladder control, which cancers spread to the spine?",
    "He has bladder control and can walk. What is a biopsy?",
    "She still has control of her bladder. What is MSCC?",
    "He didn't have control of his bladder two years ago, it cleared up. What is MSCC?",
    "He hasn't lost any bowel control. What is a biopsy?",
    "I'm not having any trouble passing water. What does surgery aim to do?",
    "Can weak legs come from the tumour? He's fine now, I'm only asking.",
    "My foot went numb for a few minutes last week sitting cross-legged, then went away.",
    "He couldn't move his legs for a while after a spinal anaesthetic years ago, but it wore off.",
    "Is sudden severe back pain in a cancer patient always serious?",
    "In a case study where a patient can't walk, what complication is that?",
    "Could my wife become paralysed from her bone mets?",
    "will he end up paralysed from the tumour?",
    "Her MRI says lesion at T7. She will be paralysed later?",
    "is my mum's radiotherapy going to leave her paralysed?",
    "The biopsy came out without any problems last week. What happens next?",
    "Nothing in his legs has changed. What is a CT scan for?",
    "I can hardly feel comfortable in a chair with this back ache. What is MSCC?",
    "It's hard to pass the time in hospital. What does surgery aim to do?",
    "Hypothetically, if someone can't walk, is it always cord compression?",
    "I got soaked in the rain and didn't notice the time. Which scan is used?",
    "My GP said leg weakness could be many things. What else causes it?",
    "A leaflet claims paralysis is common with spine tumours. Is it?",
    "Last summer my dad couldn't walk for a day after a fall, he's been fine since.",
    "Leg weakness isn't an issue for me. What does surgery aim to do?",
    "We covered bladder dysfunction in class today, which cancers spread to the spine?",
    "She walks the dog without any leg weakness. Which scan finds spinal mets?",
    # second-hand stories: someone else's someone, in the past, then a question
    "Someone in my group said her husband ended up paralysed. Which cancers spread?",
    "A man at work told me his sister went paralysed from it. Is a biopsy used?",
    "A woman at work told me her brother's legs got weak with it. Which scans find it?",
    "My aunt's neighbour apparently had numbness in her bottom. How is it diagnosed?",
    "I heard on the radio that a tumour can cause paralysis. What complications are there?",
    "I read that people with spinal mets can lose control of their bladder. Is that a symptom?",
    "My late mother was paralysed by her spinal mets. Am I at risk?",
    "The consultant said there's a small chance I could lose control of my bladder. Why?",
    # ... also without a teller when the story is dated, or about a stranger
    "My tutor said a patient lost feeling in her legs. How is it diagnosed?",
    "Someone on a forum wrote that her dad had chemo, and he later became paralysed. Is "
    "a biopsy used?",
    "A blogger wrote that her husband's legs turned to jelly. Is kidney cancer one that spreads?",
    "A lady at my work lost control of her bladder and she could not stand, it turned out "
    "to be an infection. What is a biopsy?",
    "My friend's dad was paralysed and then he could not feel his legs either, that was "
    "all before he died. Can surgery ease the pain?",
    # a sign before the diagnosis or in the last weeks of a life is a story that has ended
    "My friend's mum lost control of her bowels before they found her spinal mets.",
    "A woman in my group lost feeling between her legs before her diagnosis. Why?",
    "His uncle couldn't walk before he was diagnosed. Which cancers spread to the spine?",
    "Her father couldn't walk in the last weeks of his life. How common are spinal mets?",
    "Back in the 90s my uncle was paralysed by it; which cancers spread to the spine?",
    "Worst case, could the tumour leave her paralysed?",
    "Supposing my mum lost bowel control one day, would surgery help?",
    # a sign said of a group
    "The trial takes patients whose legs have gone weak. Is that right?",
    "I was told the study only takes people who are already paralysed.",
    "Say someone with lung cancer got sudden severe back pain. What would doctors do?",
    "She lost bladder control years ago, still not sure why. Which cancers spread?",
    # possible, not news; a length of time or a past start is no "now"
    "My GP said that his legs might go weak one day. What is MSCC?",
    "The consultant said that she may lose control of her bladder. Why?",
    "In 2015 I couldn't pee for a day after an operation and needed a catheter. Which "
    "cancers spread?",
    "Since the stroke his legs have been weak. Which cancers spread to the spine?",
    # a man or a woman seen on television, in a film or on a forum
    "We watched a documentary where a man ended up paralysed. Which scans are used?",
    "saw a programme where a woman couldn't walk. which cancers spread?",
    # the feeling there checked, not lost
    "The GP checked the feeling between my legs and it was fine. What is the exam for?",
    # a past time right before "after" or "when" dates the clause it opens
    "They sent him home last month after his legs gave way - a trapped nerve, and he's been "
    "fine since. Which cancers spread to the spine?",
    "She was admitted in 2019 when her legs went weak. Which cancers spread to the spine?",
    "There was a programme on last night where a man's legs gave way. Is that cord compression?",
    "I saw on a forum that a woman lost control of her bladder. What is MSCC?",
    "There was a lady in a film who couldn't walk after her cancer spread. Is that common?",
    # a "do" that only makes the question asks for no help
    "We watched a documentary where a man lost control of his bladder. Which cancers do "
    "these tumours come from?",
    "I saw on a forum that a woman lost the feeling in her legs. What scans do doctors use?",
    # a time written short ("yrs ago", "mths ago")
    "Dad couldn't pass urine after his op 5 yrs ago. Is MSCC common?",
    "Mum had weak legs from a slipped disc mths ago. Which scans are used?",
    # the teller named after the story
    "A colleague's wife went numb below the waist, he told us at lunch. Which scans are used?",
    "A woman on TV couldn't walk. The same isn't happening to me, I'm just curious.",
    "My friend's dad couldn't walk in 2019. The same happened to my uncle. Which cancers spread?",
    "Her uncle's legs gave way mths back and he is walking again. What is MSCC?",
    "Which cancers spread to the spine? My friend's mum was paralysed from it a decade ago.",
    "Study notes check: complications are focal weakness and paraplegia. Is that right?",
    # a warned-of sign is not said to have begun by other news about "it"
    "The GP said to watch for leg weakness. It has started to worry me since Monday.",
    "The nurse said to ring if my legs ever go weak. Could it have started already?",
    "Watch out for numb legs, the leaflet says. It happened to my uncle in 2015.",
    # never there, there the whole time, dated by a time that opens the sentence
    "My son has spina bifida and has never had bladder control. Which cancers spread?",
    "I've had MS for years and my legs have been weak the whole time. What does surgery cost?",
    "Three months ago my legs gave way and I had surgery; I'm walking again. Is lifting safe?",
    "Urge incontinence since 2010, exactly the same ever since. Does my immune system matter?",
    "We covered loss of bladder control in lectures today. What are the risk factors?",
    "My oncologist warned me that losing control of my bowels could mean the spine. Is it common?",
    "My uncle couldn't walk in his last months, back in 2015. Which cancers spread to the spine?",
    "I couldn't stand for a few days after my operation in May, but I'm back on my feet now.",
    # an ability said to be there: "can" without a negation is no sign
    "She can get out of bed fine and walks the dog. Which cancers spread to the spine?",
    "He can manage the stairs and can weight bear. What is MSCC?",
    "She can swing her legs into the car easily and could balance on one leg at physio.",
    "His legs will cooperate on a good day and the right one will lift. What is a biopsy?",
    # what was taught, a sign set against what would be different, a group of patients
    "In placement we learnt that losing bowel control can mean cord compression. What is MSCC?",
    "Our tutor taught us that numbness in the saddle area is urgent. Which scans are used?",
    "is the pain worse lying down? i know not being able to walk would be another matter",
    "As a district nurse I've met lots of patients with weak legs from this. Who does the biopsy?",
    "Paralysis keeps coming up in our team meetings. Which cancers spread to the spine?",
    "Saddle numbness and retention are what we got drilled on. What are the risk factors?",
    # a show or a game, a warning that does not apply, dated in other ways, at life's end
    "Watched a hospital drama where a man couldn't walk after his cancer spread. Which scans?",
    "The saddle numbness warning doesn't apply to me. What is a biopsy?",
    "In my D&D campaign a knight's legs go weak. What does the page say about symptoms?",
    "In winter 2020 his legs went weak from a disc. Which cancers spread to the spine?",
    "In '19 I had retention after an operation. Is myeloma one of the cancers that spread?",
    "My grandmother was in a hospice; in her last weeks she couldn't walk. What are the risks?",
    "Three years before, my uncle was paralysed by a tumour but he walks now. Is it curable?",
    # a scene, a case written up, a policy, "before that", one patient and another
    "In the film, the character loses control of her bladder. How is it diagnosed?",
    "Writing up a case where the patient had saddle numbness last yr. Which scans are used?",
    "I'm drafting our care home policy: new incontinence means 999. Which cancers spread?",
    "Before that she couldn't stand, but surgery fixed it. What are the goals of surgery?",
    "Why does one patient get weak legs and another not?",
    # a long-known sign the care team follows
    "My legs have been a little weak for over a year and the doctors know. Can it be cured?",
    "mum's feet have been numb for ages, her team know all about it - what does a CT show?",
    # a question mark that ends a question; a question in text-speak
    "keyhole or open surgery? MSCC treated last year, walking with a stick since",
    "wat are the symptoms of spinal mets like weak legs",
    # "they" that is the disease; a sign said to have many causes; a sign dated by an age
    "spine mets - could they cause numbness in the legs?",
    "What else could it be? I ask because leg numbness can have lots of different causes",
    "When I was in my twenties I couldn't walk for a week after a skiing crash. "
    "Which cancers spread to the spine?",
    # a sign that outlasted an operation, months on
    "After his op my dad still couldn't walk even months later. Can surgery always help?",
    # how a sign comes about, asked in general; what the writer is trying to understand
    "how can a tumour in the back cause paralysis? just curious, mum is well today",
    "Is it the blood supply or the pressure? Trying to understand why paraplegia happens.",
    # onset words asked about, denied, or claimed only for a time long past
    "Does back pain from spinal mets usually come on out of the blue?",
    "My back pain built up slowly over months, not all at once. Which cancers spread to the spine?",
    "Why would someone get sudden severe back pain? That's what my uncle had years ago.",
    # a past time told with the signs themselves, or a comma inside a sign
    "In 2019 my legs went weak, then I couldn't pee for a day. Which cancers spread?",
    "Dad had myeloma years ago and had sudden, severe back pain back then. Is that common?",
    "previous stroke, left leg weak ever since. how common are spinal mets?",
]


def doc(nlp: Any, text: str) -> Any:
    return nlp(text.lower())  # SpacyNLP lowercases (case_sensitive: false)


@pytest.mark.parametrize("text", DESCRIBED_EMERGENCIES)
def test_described_red_flags_are_emergencies(nlp: Any, text: str) -> None:
    assert describes_emergency(doc(nlp, text))


@pytest.mark.parametrize("text", MENTIONS)
def test_mentions_and_general_questions_are_not(nlp: Any, text: str) -> None:
    assert not describes_emergency(doc(nlp, text))


@pytest.mark.parametrize(
    ("text", "modifier"),
    [
        ("no leg weakness", "negated"),
        ("legs were weak two years ago", "historical"),
        ("the numbness in her legs cleared up", "historical"),
        ("watch out for leg weakness", "hypothetical"),
        ("if he ever loses bladder control", "possibility"),
        ("we were told paralysis can happen", "possibility"),
        ("for my essay: loss of bladder control", "learning"),
    ],
)
def test_each_cue_gives_its_modifier(nlp: Any, text: str, modifier: str) -> None:
    flags, _ = red_flags(doc(nlp, text))
    assert flags and all(modifier in flag.modifiers for flag in flags)


def message(nlp: Any, text: str, ranking: list[tuple[str, float]]) -> Message:
    return classified_message(text, ranking, doc(nlp, text))


def detector() -> EmergencyDetector:
    return EmergencyDetector(EmergencyDetector.get_default_config())


def test_detector_overrides_a_factual_intent(nlp: Any) -> None:
    msg = message(nlp, "my legs went weak, what is an MRI?", [("faq_mri", 0.9), ("emergency", 0.1)])
    detector().process([msg])
    assert msg.get("intent") == {"name": "emergency", "confidence": 1.0}
    assert [entry["name"] for entry in msg.get("intent_ranking")] == ["emergency", "faq_mri"]


def test_detector_withdraws_the_classifiers_alarm_for_a_mention(nlp: Any) -> None:
    msg = message(
        nlp, "is incontinence one of the symptoms?", [("emergency", 0.7), ("faq_symptoms", 0.2)]
    )
    detector().process([msg])
    assert msg.get("intent")["name"] == "faq_symptoms"
    assert "emergency" not in [entry["name"] for entry in msg.get("intent_ranking")]


def test_an_unsure_classifier_alone_raises_no_alarm(nlp: Any) -> None:
    msg = message(nlp, "right, thanks, going now", [("thank", 0.5), ("emergency", 0.3)])
    detector().process([msg])
    assert msg.get("intent")["name"] == "thank"
    assert "emergency" not in [entry["name"] for entry in msg.get("intent_ranking")]


def test_a_sure_classifier_alone_still_raises_it(nlp: Any) -> None:
    msg = message(nlp, "walking like I'm drunk since monday", [("emergency", 0.8), ("thank", 0.1)])
    detector().process([msg])
    assert msg.get("intent")["name"] == "emergency"


def test_detector_leaves_other_messages_alone(nlp: Any) -> None:
    msg = message(nlp, "what is an MRI?", [("faq_mri", 0.9), ("faq_ct_scan", 0.05)])
    detector().process([msg])
    assert msg.get("intent") == {"name": "faq_mri", "confidence": 0.9}


def test_detector_copes_with_a_message_without_text() -> None:
    msg = Message(data={TEXT: ""})
    detector().process([msg])
    assert msg.get("intent") is None


def test_detector_refuses_to_run_without_the_projects_spacy_pipeline() -> None:
    """Without the red-flag spans it would never raise an alarm: that must not pass
    silently, whether SpacyNLP is missing or loads another spaCy model."""
    import spacy

    text = "my legs have gone weak since this morning"
    without_spacy = Message(data={TEXT: text})
    other_model = Message(data={TEXT: text, SPACY_DOCS[TEXT]: spacy.blank("en")(text)})
    for msg in (without_spacy, other_model):
        with pytest.raises(InvalidConfigException, match="spaCy pipeline"):
            detector().process([msg])
