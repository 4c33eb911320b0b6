"""The study's data dictionary: every CRF field, kept as data in one place.

The template writer, the reader (header matching, code parsing) and validation
all read this table, so a field added here appears everywhere with no other
change. Canonical field names are a public contract: a flat sheet whose headers
are exactly these names imports with no mapping.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

# Field types
ID, DATE, INTEGER, NUMBER, PERCENT, CODE, YESNO, TEXT = (
    "id", "date", "integer", "number", "percent", "code", "yes/no", "text")
TYPES = (ID, DATE, INTEGER, NUMBER, PERCENT, CODE, YESNO, TEXT)

# Forms (one worksheet each in the template), in workbook order.
FORMS: dict[str, str] = {
    "patients": "Patients",
    "treatment": "Treatment",
    "outcomes": "Outcomes",
    "first_line": "First-line MBC",
    "rebiopsy": "Rebiopsy",
}
#: Forms with one row per patient; ``rebiopsy`` may have zero or more.
ONE_ROW_FORMS = ("patients", "treatment", "outcomes", "first_line")

# Words that mean "not known" in any code or yes/no column.
UNKNOWN_WORDS = ("unknown", "unk", "na", "n/a", "nk", "not known", "?", "-", "未知", "不详", "不明")

YES_WORDS = ("yes", "y", "1", "true", "是", "有", "阳性")
NO_WORDS = ("no", "n", "0", "false", "否", "无", "阴性")


@dataclass(frozen=True)
class Code:
    """One allowed value of a coded field: canonical code, label, and spellings."""
    code: str
    label: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Field:
    name: str
    form: str
    type: str
    description: str
    label: str = ""
    codes: tuple[Code, ...] = ()
    unit: str = ""
    required: bool = False
    synonyms: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None

    @property
    def header(self) -> str:
        """Header written by the template: the label, with its unit."""
        text = self.label or self.name
        return f"{text} ({self.unit})" if self.unit else text

    def code_labels(self) -> dict[str, str]:
        return {c.code: c.label for c in self.codes}


def _codes(*items: tuple) -> tuple[Code, ...]:
    return tuple(Code(c[0], c[1], tuple(c[2]) if len(c) > 2 else ()) for c in items)


def _f(name, form, type_, description, label="", codes=(), unit="", required=False,
       synonyms=(), min=None, max=None) -> Field:
    return Field(name, form, type_, description, label, codes, unit, required,
                 tuple(synonyms), min, max)


IHC_CODES = _codes(("0", "0", ["ihc0", "0+", "negative", "阴性"]),
                   ("1+", "1+", ["1", "ihc1", "ihc1+", "+"]),
                   ("2+", "2+", ["2", "ihc2", "ihc2+", "++"]),
                   ("3+", "3+", ["3", "ihc3", "ihc3+", "+++"]))

_P, _T, _O, _F, _R = "patients", "treatment", "outcomes", "first_line", "rebiopsy"

#: Metastatic sites (Table 3), in table order; ``met_<site>`` / ``first_met_<site>`` fields.
MET_SITES = ("lung", "liver", "brain_cns", "bone", "distant_lymph_node", "other")
#: (site, label, sentence subject, short English synonym, Chinese synonym) of the first-site fields.
_FIRST_SITES = (
    ("lung", "lung", "Lung", "lung", "肺转移"),
    ("liver", "liver", "Liver", "liver", "肝转移"),
    ("brain_cns", "brain/CNS", "Brain/CNS", "brain", "脑转移"),
    ("bone", "bone", "Bone", "bone", "骨转移"),
    ("distant_lymph_node", "distant lymph node", "Distant lymph node", "distant ln", "远处淋巴结转移"),
    ("other", "other", "Other site", "other", "其他部位转移"),
)

FIELDS: tuple[Field, ...] = (
    # ---- patients ---------------------------------------------------------
    _f("patient_id", _P, ID, "Study number that links every sheet for one patient.",
       "Patient ID", required=True,
       synonyms=["id", "patient", "patient no", "patient number", "study id", "subject id",
                 "case id", "record id", "mrn", "hospital number", "病历号", "患者编号", "编号",
                 "住院号", "病案号", "ID号"]),
    _f("sex", _P, CODE, "Sex of the patient (the study enrols women).", "Sex",
       _codes(("female", "Female", ["f", "woman", "2", "女", "女性"]),
              ("male", "Male", ["m", "man", "1", "男", "男性"])),
       required=True, synonyms=["gender", "性别"]),
    _f("admission_date", _P, DATE, "Date of admission to the hospital; defines the enrolment window.",
       "Admission date", required=True, synonyms=["admission", "date of admission", "admitted",
                                                   "入院日期", "入院时间"]),
    _f("birth_date", _P, DATE, "Date of birth.", "Birth date",
       synonyms=["date of birth", "dob", "birthday", "出生日期"]),
    _f("age_at_diagnosis", _P, INTEGER, "Age in whole years at diagnosis of breast cancer.",
       "Age at diagnosis", unit="years", min=10, max=110,
       synonyms=["age", "age at dx", "诊断年龄", "年龄", "确诊年龄"]),
    _f("diagnosis_date", _P, DATE, "Date of pathological diagnosis of breast cancer.",
       "Diagnosis date", required=True,
       synonyms=["date of diagnosis", "dx date", "diagnosis", "诊断日期", "确诊日期", "确诊时间"]),
    _f("ecog_ps", _P, INTEGER, "ECOG performance status at diagnosis (0–4).", "ECOG PS",
       min=0, max=4, synonyms=["ecog", "performance status", "ps", "ECOG评分", "体能状态"]),
    _f("menopausal_status", _P, CODE,
       "Menopausal status at diagnosis; when blank it is derived (ovariectomy or age ≥ 60).",
       "Menopausal status",
       _codes(("premenopausal", "Premenopausal", ["pre", "premenopause", "1", "绝经前", "未绝经"]),
              ("postmenopausal", "Postmenopausal", ["post", "postmenopause", "2", "绝经后", "已绝经"])),
       synonyms=["menopause", "menopausal", "绝经状态", "月经状态"]),
    _f("bilateral_ovariectomy", _P, YESNO, "Both ovaries removed before diagnosis.",
       "Bilateral ovariectomy", synonyms=["ovariectomy", "oophorectomy", "双侧卵巢切除"]),
    _f("laterality", _P, CODE, "Affected breast.", "Affected breast",
       _codes(("left", "Left", ["l", "1", "左", "左侧", "左乳"]),
              ("right", "Right", ["r", "2", "右", "右侧", "右乳"]),
              ("bilateral", "Bilateral", ["both", "b", "3", "双侧", "双乳"])),
       required=True, synonyms=["side", "affected side", "breast", "侧别", "患侧"]),
    _f("family_history", _P, YESNO, "Family history of tumour.", "Family history",
       synonyms=["family history of cancer", "fh", "家族史", "肿瘤家族史"]),
    _f("histological_type", _P, CODE, "Histological type of the invasive tumour.",
       "Histological type",
       _codes(("idc", "Invasive ductal carcinoma", ["ductal", "IDC", "浸润性导管癌", "1"]),
              ("ilc", "Invasive lobular carcinoma", ["lobular", "ILC", "浸润性小叶癌", "2"]),
              ("mixed", "Mixed ductal/lobular", ["mixed type", "混合型", "3"]),
              ("other", "Other invasive type", ["others", "其他", "4"])),
       synonyms=["histology", "pathological type", "histotype", "病理类型", "组织学类型"]),
    _f("histological_grade", _P, CODE, "Histological grade (Nottingham).", "Histological grade",
       _codes(("1", "I", ["g1", "grade 1", "i", "1级"]),
              ("2", "II", ["g2", "grade 2", "ii", "2级"]),
              ("3", "III", ["g3", "grade 3", "iii", "3级"])),
       synonyms=["grade", "tumour grade", "tumor grade", "组织学分级", "分级"]),
    _f("her2_ihc", _P, CODE, "HER2 immunohistochemistry score of the primary tumour.",
       "HER2 IHC", IHC_CODES, required=True,
       synonyms=["her2", "her-2", "her2 status", "cerbb2", "c-erbb-2", "HER2免疫组化", "HER-2"]),
    _f("her2_fish_ratio", _P, NUMBER, "HER2/CEP17 ratio by FISH (needed when IHC is 2+).",
       "HER2 FISH ratio", min=0, max=50,
       synonyms=["fish", "fish ratio", "her2/cep17", "her2 cep17 ratio", "FISH比值", "FISH"]),
    _f("er_percent", _P, PERCENT, "Oestrogen receptor: % of tumour cells with nuclear staining.",
       "ER", unit="%", required=True, min=0, max=100,
       synonyms=["er", "estrogen receptor", "oestrogen receptor", "er%", "雌激素受体", "ER表达"]),
    _f("pr_percent", _P, PERCENT, "Progesterone receptor: % of tumour cells with nuclear staining.",
       "PR", unit="%", required=True, min=0, max=100,
       synonyms=["pr", "pgr", "progesterone receptor", "pr%", "孕激素受体", "PR表达"]),
    _f("ki67_percent", _P, PERCENT, "Ki-67: % of invasive tumour cells with nuclear staining.",
       "Ki-67", unit="%", min=0, max=100,
       synonyms=["ki67", "ki-67", "ki 67", "ki67%", "增殖指数"]),
    _f("t_stage", _P, CODE, "Clinical T stage at diagnosis.", "T stage",
       _codes(("T1", "T1", ["1", "t1a", "t1b", "t1c", "t1mi"]), ("T2", "T2", ["2"]),
              ("T3", "T3", ["3"]), ("T4", "T4", ["4", "t4a", "t4b", "t4c", "t4d"]),
              ("Tx", "Tx", ["x"])),
       synonyms=["t", "tumour stage", "tumor stage", "ct", "T分期"]),
    _f("n_stage", _P, CODE, "Clinical N stage at diagnosis.", "N stage",
       _codes(("N0", "N0", ["0"]), ("N1", "N1", ["1", "n1a", "n1b", "n1c", "n1mi"]),
              ("N2", "N2", ["2", "n2a", "n2b"]), ("N3", "N3", ["3", "n3a", "n3b", "n3c"]),
              ("Nx", "Nx", ["x"])),
       synonyms=["n", "node stage", "nodal stage", "cn", "N分期"]),
    _f("m_stage", _P, CODE, "Distant metastasis at diagnosis (M1 = de novo metastatic).", "M stage",
       _codes(("M0", "M0", ["0"]), ("M1", "M1", ["1"]), ("Mx", "Mx", ["x"])),
       synonyms=["m", "metastasis stage", "cm", "M分期"]),
    _f("second_primary_tumor", _P, YESNO, "Another primary malignancy besides this breast cancer.",
       "Second primary tumour",
       synonyms=["second primary", "second primary tumour", "other primary cancer", "第二原发肿瘤",
                 "合并其他肿瘤"]),
    # ---- treatment --------------------------------------------------------
    _f("surgery_type", _T, CODE, "Breast surgery performed.", "Surgery",
       _codes(("mastectomy", "Radical mastectomy", ["radical mastectomy", "mrm", "1", "改良根治术",
                                                    "根治术", "乳房切除术", "乳腺癌改良根治术",
                                                    "全乳切除术", "乳腺切除术", "mastectomy"]),
              ("bcs", "Breast-conserving surgery", ["breast conserving surgery", "lumpectomy", "2",
                                                    "保乳术", "保乳", "保乳手术", "保留乳房手术",
                                                    "乳腺癌保乳术", "bcs"]),
              ("other", "Other surgery", ["3", "其他手术"]),
              ("none", "No surgery", ["no surgery", "not operated", "0", "未手术", "无"])),
       required=True, synonyms=["surgery type", "operation", "type of surgery", "手术方式"]),
    _f("surgery_date", _T, DATE, "Date of breast surgery.", "Surgery date",
       synonyms=["date of surgery", "operation date", "手术日期", "手术时间"]),
    _f("neoadjuvant_therapy", _T, YESNO, "Any preoperative (neoadjuvant) systemic therapy.",
       "Neoadjuvant therapy", synonyms=["neoadjuvant", "nat", "新辅助治疗"]),
    _f("neoadjuvant_chemotherapy", _T, YESNO, "Neoadjuvant chemotherapy given.",
       "Neoadjuvant chemotherapy", synonyms=["neoadjuvant ct", "nact", "新辅助化疗"]),
    _f("neoadjuvant_trastuzumab", _T, YESNO, "Neoadjuvant trastuzumab given.",
       "Neoadjuvant trastuzumab", synonyms=["neoadjuvant h", "新辅助曲妥珠单抗"]),
    _f("neoadjuvant_pertuzumab", _T, YESNO, "Neoadjuvant pertuzumab given.",
       "Neoadjuvant pertuzumab", synonyms=["neoadjuvant p", "新辅助帕妥珠单抗"]),
    _f("miller_payne_grade", _T, CODE, "Miller–Payne grade of the breast after neoadjuvant therapy.",
       "Miller-Payne grade",
       _codes(("1", "1", ["g1", "mp1"]), ("2", "2", ["g2", "mp2"]), ("3", "3", ["g3", "mp3"]),
              ("4", "4", ["g4", "mp4"]), ("5", "5", ["g5", "mp5"])),
       synonyms=["mp grade", "miller payne", "mp", "MP分级"]),
    _f("ypn_positive", _T, YESNO, "Residual nodal disease after neoadjuvant therapy (ypN+).",
       "ypN positive", synonyms=["ypn", "ypn+", "residual nodes", "术后淋巴结阳性"]),
    _f("adjuvant_chemotherapy", _T, YESNO, "Adjuvant chemotherapy given.", "Adjuvant chemotherapy",
       synonyms=["adjuvant ct", "辅助化疗"]),
    _f("adjuvant_radiotherapy", _T, YESNO, "Adjuvant radiotherapy given.", "Adjuvant radiotherapy",
       synonyms=["adjuvant rt", "radiotherapy", "辅助放疗", "放疗"]),
    _f("adjuvant_her2_targeted", _T, YESNO, "Adjuvant HER2-targeted therapy given.",
       "Adjuvant HER2-targeted", synonyms=["adjuvant anti-her2", "adjuvant trastuzumab",
                                             "辅助靶向治疗", "辅助抗HER2治疗"]),
    _f("adjuvant_endocrine", _T, YESNO, "Adjuvant endocrine therapy given.", "Adjuvant endocrine",
       synonyms=["adjuvant et", "endocrine therapy", "辅助内分泌治疗", "内分泌治疗"]),
    # ---- outcomes ---------------------------------------------------------
    _f("last_followup_date", _O, DATE, "Date the patient was last known alive (or died).",
       "Last follow-up date", required=True,
       synonyms=["last follow-up", "last followup", "date of last follow-up", "last contact",
                 "末次随访日期", "随访日期", "末次随访"]),
    _f("vital_status", _O, CODE, "Alive or dead at last follow-up.", "Vital status",
       _codes(("alive", "Alive", ["0", "living", "存活", "生存", "活"]),
              ("dead", "Dead", ["1", "deceased", "died", "death", "死亡", "死"])),
       required=True, synonyms=["status", "survival status", "生存状态"]),
    _f("death_date", _O, DATE, "Date of death.", "Death date",
       synonyms=["date of death", "died on", "死亡日期", "死亡时间"]),
    _f("cause_of_death", _O, CODE, "Cause of death.", "Cause of death",
       _codes(("breast_cancer", "Breast cancer", ["1", "bc", "乳腺癌"]),
              ("other_cancer", "Other cancer", ["2", "其他肿瘤"]),
              ("non_cancer", "Non-cancer cause", ["3", "other", "其他原因"]),
              ("unknown", "Unknown", ["9", "未知原因"])),
       synonyms=["cod", "death cause", "死亡原因", "死因"]),
    _f("locoregional_recurrence_date", _O, DATE, "Date of locoregional recurrence.",
       "Locoregional recurrence date",
       synonyms=["local recurrence date", "lrr date", "局部复发日期"]),
    _f("contralateral_breast_cancer_date", _O, DATE, "Date of contralateral breast cancer.",
       "Contralateral breast cancer date", synonyms=["contralateral date", "对侧乳腺癌日期"]),
    _f("second_malignancy_date", _O, DATE, "Date of a second non-breast malignancy.",
       "Second malignancy date", synonyms=["second cancer date", "第二肿瘤日期"]),
    _f("distant_metastasis_date", _O, DATE,
       "Date metastatic disease was diagnosed (at diagnosis for de novo MBC).",
       "Distant metastasis date",
       synonyms=["metastasis date", "date of metastasis", "mbc date", "远处转移日期", "转移日期"]),
    _f("met_lung", _O, YESNO, "Lung metastasis at any time.", "Metastasis: lung",
       synonyms=["lung metastasis", "lung", "肺转移"]),
    _f("met_liver", _O, YESNO, "Liver metastasis at any time.", "Metastasis: liver",
       synonyms=["liver metastasis", "liver", "肝转移"]),
    _f("met_brain_cns", _O, YESNO, "Brain/CNS metastasis at any time.", "Metastasis: brain/CNS",
       synonyms=["brain metastasis", "cns metastasis", "brain", "脑转移"]),
    _f("met_bone", _O, YESNO, "Bone metastasis at any time.", "Metastasis: bone",
       synonyms=["bone metastasis", "bone", "骨转移"]),
    _f("met_distant_lymph_node", _O, YESNO, "Distant lymph node metastasis at any time.",
       "Metastasis: distant lymph node",
       synonyms=["distant lymph node metastasis", "distant ln", "远处淋巴结转移"]),
    _f("met_other", _O, YESNO, "Other site (soft tissue, pleura, peritoneum…) at any time.",
       "Metastasis: other", synonyms=["other metastasis", "other site", "其他部位转移"]),
    _f("met_other_visceral", _O, YESNO,
       "The 'other' sites include a visceral organ (pleura, peritoneum, adrenal…); counted in the "
       "number of visceral sites.", "Metastasis: other visceral",
       synonyms=["other visceral metastasis", "其他内脏转移"]),
    *(_f(f"first_met_{key}", _O, YESNO, f"{what} involved at first metastatic diagnosis.",
         f"First site: {label}", synonyms=[f"first {short}", f"首发{zh}"])
      for key, label, what, short, zh in _FIRST_SITES),
    # ---- first-line treatment for MBC ---------------------------------------
    _f("first_line_start_date", _F, DATE, "Start of first-line treatment for metastatic disease.",
       "First-line start date", synonyms=["first line start", "一线治疗开始日期"]),
    _f("first_line_her2_agents", _F, TEXT,
       "HER2 agents in first line joined by '+', e.g. trastuzumab+pertuzumab, pyrotinib; blank = none.",
       "First-line HER2 agents", synonyms=["first line anti-her2", "一线靶向药物", "一线抗HER2治疗"]),
    _f("first_line_chemotherapy", _F, YESNO, "Chemotherapy in first line.",
       "First-line chemotherapy", synonyms=["first line ct", "一线化疗"]),
    _f("first_line_endocrine", _F, CODE, "Endocrine therapy in first line.", "First-line endocrine",
       _codes(("none", "None", ["no", "0", "无"]),
              ("concurrent", "Concurrent", ["1", "yes", "同步"]),
              ("maintenance", "Maintenance after chemotherapy", ["maintenance", "sequential", "2",
                                                                  "维持"])),
       synonyms=["first line et", "一线内分泌治疗"]),
    _f("progression_date", _F, DATE, "Date of progression on first-line treatment.",
       "Progression date", synonyms=["pd date", "date of progression", "进展日期"]),
    # ---- rebiopsy of metastatic tissue --------------------------------------
    _f("rebiopsy_date", _R, DATE, "Date of the biopsy of metastatic tissue.", "Rebiopsy date",
       synonyms=["biopsy date", "再活检日期"]),
    _f("rebiopsy_site", _R, TEXT, "Site biopsied (e.g. liver, lung, bone).", "Rebiopsy site",
       synonyms=["biopsy site", "再活检部位"]),
    _f("rebiopsy_er_percent", _R, PERCENT, "ER % in the metastatic tissue.", "Rebiopsy ER",
       unit="%", min=0, max=100, synonyms=["rebiopsy er", "met er", "转移灶ER"]),
    _f("rebiopsy_pr_percent", _R, PERCENT, "PR % in the metastatic tissue.", "Rebiopsy PR",
       unit="%", min=0, max=100, synonyms=["rebiopsy pr", "met pr", "转移灶PR"]),
    _f("rebiopsy_her2_ihc", _R, CODE, "HER2 IHC score in the metastatic tissue.", "Rebiopsy HER2 IHC",
       IHC_CODES, synonyms=["rebiopsy her2", "met her2", "转移灶HER2"]),
    _f("rebiopsy_her2_fish_ratio", _R, NUMBER, "HER2/CEP17 FISH ratio in the metastatic tissue.",
       "Rebiopsy HER2 FISH ratio", min=0, max=50,
       synonyms=["rebiopsy fish", "met fish", "转移灶FISH"]),
)



def _with_site_synonyms(f: Field) -> Field:
    """A metastatic-site field also answers to 'Metastatic sites: lung' / 'Sites at first
    metastasis: lung': the header a checkbox field becomes (REDCap's 'field label: choice')."""
    from dataclasses import replace

    for key, label, _what, _short, _zh in _FIRST_SITES:
        if f.name == f"met_{key}":
            extra = [f"{w}: {label}" for w in ("metastatic sites", "metastatic site",
                                               "sites of metastasis", "metastases")]
        elif f.name == f"first_met_{key}":
            extra = [f"{w}: {label}" for w in ("sites at first metastasis", "first metastatic sites",
                                               "first metastatic site", "first metastases")]
        else:
            continue
        return replace(f, synonyms=(*f.synonyms, *extra))
    return f


FIELDS = tuple(_with_site_synonyms(f) for f in FIELDS)

BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}


def field(name: str) -> Field:
    return BY_NAME[name]


def fields_of(form: str) -> tuple[Field, ...]:
    """Fields of one form; every form but ``patients`` also carries patient_id first."""
    own = tuple(f for f in FIELDS if f.form == form)
    return own if form == "patients" else (BY_NAME["patient_id"],) + own


def names(fields: Iterable[Field]) -> list[str]:
    return [f.name for f in fields]
