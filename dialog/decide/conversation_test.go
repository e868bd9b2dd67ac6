package decide

import (
	"reflect"
	"testing"
	"time"
)

func fullConversation() *Conversation {
	in := func() *IntakeState {
		return &IntakeState{Full: true, Current: "q", Detail: true, Answers: map[string]string{"q": "a"}, Picked: []string{"p"}}
	}
	return &Conversation{Schema: 1, Step: 3, Mode: ModeIntake, Topic: "t", Question: "q", Option: "o", Lang: "en", Intake: in(),
		Choices: []Choice{{ID: "c", Label: "l"}}, Back: []Snapshot{{Mode: ModeQuestion, Topic: "t", Question: "q", Option: "o", Intake: in()}},
		Turns: []Turn{{From: "user", Text: "x", At: time.Unix(1, 0)}}, First: Turn{From: "user", Text: "f", At: time.Unix(1, 0)}, CaseID: "2026-0001", Relayed: 1, People: []string{"U1"}, Told: []string{"paid"}, Device: "phone", OutsideTokyo: true, AsCompany: true,
		Updated: time.Unix(2, 0)}
}

// nonZero fails for every field of v (a struct, followed through pointers, slices and maps)
// left at its zero value: a field added to Conversation must be filled here, and so be checked.
func nonZero(t *testing.T, path string, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			t.Errorf("%s is nil", path)
			return
		}
		nonZero(t, path, v.Elem())
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			if v.IsZero() {
				t.Errorf("%s is zero", path)
			}
			return
		}
		for i := range v.NumField() {
			nonZero(t, path+"."+v.Type().Field(i).Name, v.Field(i))
		}
	case reflect.Slice, reflect.Map:
		if v.Len() == 0 {
			t.Errorf("%s is empty", path)
		}
		if v.Kind() == reflect.Slice {
			for i := range v.Len() {
				nonZero(t, path+"[]", v.Index(i))
			}
		}
	default:
		if v.IsZero() {
			t.Errorf("%s is zero", path)
		}
	}
}

// clone copies everything, and what the copy's owner changes stays out of the original.
func TestConversationCloneSharesNothing(t *testing.T) {
	orig := fullConversation()
	nonZero(t, "Conversation", reflect.ValueOf(orig))
	cp := orig.Clone()
	if !reflect.DeepEqual(cp, orig) {
		t.Fatalf("clone differs:\n%+v\n%+v", cp, orig)
	}
	cp.Intake.Answers["q"], cp.Intake.Picked[0] = "changed", "changed"
	cp.Choices[0].ID, cp.Back[0].Topic, cp.Back[0].Intake.Answers["q"], cp.Back[0].Intake.Picked[0] = "changed", "changed", "changed", "changed"
	cp.Turns[0].Text, cp.People[0], cp.Told[0] = "changed", "changed", "changed"
	if !reflect.DeepEqual(orig, fullConversation()) {
		t.Errorf("changing the clone changed the original: %+v", orig)
	}
}
