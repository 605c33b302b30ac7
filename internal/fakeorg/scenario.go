package fakeorg

// Outcome is how a deployment ends.
type Outcome int

// The outcomes a deployment can be given.
const (
	// OutcomeSuccess deploys every component and passes every test: Succeeded.
	OutcomeSuccess Outcome = iota
	// OutcomeComponentFailure fails ComponentErrors components and runs no tests: Failed.
	OutcomeComponentFailure
	// OutcomeTestFailure deploys every component and fails TestErrors tests: Failed.
	OutcomeTestFailure
	// OutcomePartial fails ComponentErrors components and keeps the rest: SucceededPartial.
	OutcomePartial
	// OutcomeCanceled is canceled by another user after its components: Canceling, Canceled.
	OutcomeCanceled
	// OutcomeError ends Failed with errorStatusCode UNKNOWN_EXCEPTION and an errorMessage.
	OutcomeError
)

// The status names the org reports.
const (
	statusPending          = "Pending"
	statusInProgress       = "InProgress"
	statusSucceeded        = "Succeeded"
	statusSucceededPartial = "SucceededPartial"
	statusFailed           = "Failed"
	statusCanceling        = "Canceling"
	statusCanceled         = "Canceled"
	// DefaultFinalizingStatus is the spelling of the finalizing state unless told otherwise.
	DefaultFinalizingStatus = "Finalizing"
)

// Scenario is how many status polls (GETs) a deployment spends in each phase. The answer to
// the POST that starts it is always Pending; each GET then advances one step.
type Scenario struct {
	// PendingPolls is how many GETs still answer Pending.
	PendingPolls int
	// ComponentPolls is how many GETs answer InProgress while components deploy, the
	// component counters advancing evenly and reaching the total on the last one.
	ComponentPolls int
	// TestPolls is how many GETs answer InProgress while tests run, likewise.
	TestPolls int
	// Finalizing adds one step with status FinalizingStatus and done false before the end.
	Finalizing bool
	// FinalizingStatus spells the finalizing state; empty means DefaultFinalizingStatus.
	FinalizingStatus string
}

// DefaultScenario is one Pending poll, two polls of components and two of tests.
func DefaultScenario() Scenario {
	return Scenario{PendingPolls: 1, ComponentPolls: 2, TestPolls: 2}
}

// step is the state a deployment reports at one point of its timeline.
type step struct {
	status         string
	done           bool
	compTotal      int
	compDone       int // components processed, deployed or failed
	compErrors     int
	testTotal      int
	testDone       int // tests completed, passed or failed
	testErrors     int
	stateDetail    string
	started        bool // startDate is set from this step on
	canceledBy     string
	canceledByName string
	errorCode      string
	errorMessage   string
}

// plan is what one deployment will do: its counts and its steps.
type plan struct {
	outcome    Outcome
	components int
	compErrors int // how many components fail, the first ones
	tests      int // 0 when no tests run
	testErrors int // how many tests fail, the first ones
	steps      []step
}

// newPlan lays out the timeline of a deployment from the org's options.
func newPlan(opts Options, out Outcome, runTests, quick bool) plan {
	p := plan{outcome: out, components: opts.Components}
	if quick {
		out, p.outcome = OutcomeSuccess, OutcomeSuccess
	}
	if out == OutcomeComponentFailure || out == OutcomePartial {
		p.compErrors = opts.ComponentErrors
	}
	testsRun := runTests && !quick && out != OutcomeComponentFailure &&
		out != OutcomeCanceled && out != OutcomeError
	if testsRun {
		p.tests = opts.Tests
	}
	if out == OutcomeTestFailure && testsRun {
		p.testErrors = opts.TestErrors
	}

	sc := opts.Scenario
	p.steps = append(p.steps, step{status: statusPending})
	for range sc.PendingPolls {
		p.steps = append(p.steps, step{status: statusPending})
	}
	for j := 1; j <= sc.ComponentPolls; j++ {
		p.steps = append(p.steps, p.componentStep(j, sc.ComponentPolls))
	}
	for j := 1; j <= sc.TestPolls && p.tests > 0; j++ {
		p.steps = append(p.steps, p.testStep(j, sc.TestPolls))
	}
	if out == OutcomeCanceled {
		last := p.progress(p.components, 0, false)
		last.status = statusCanceling
		last.canceledBy, last.canceledByName = cancelerID, cancelerName
		p.steps = append(p.steps, last)
	} else if sc.Finalizing {
		last := p.progress(p.components, p.tests, true)
		last.status = sc.FinalizingStatus
		if last.status == "" {
			last.status = DefaultFinalizingStatus
		}
		p.steps = append(p.steps, last)
	}
	p.steps = append(p.steps, p.final())
	return p
}

// progress is an InProgress step with comps components and tests tests processed; the
// test total shows once testing has begun.
func (p plan) progress(comps, tests int, testing bool) step {
	s := step{status: statusInProgress, started: true, compTotal: p.components,
		compDone: comps, compErrors: min(comps, p.compErrors)}
	if testing {
		s.testTotal = p.tests
	}
	s.testDone, s.testErrors = tests, min(tests, p.testErrors)
	return s
}

func (p plan) componentStep(j, n int) step {
	comps := p.components * j / n
	s := p.progress(comps, 0, false)
	if comps < p.components {
		s.stateDetail = "Processing Type: " + componentAt(comps).kind.typeName
	}
	return s
}

func (p plan) testStep(j, n int) step {
	tests := p.tests * j / n
	s := p.progress(p.components, tests, true)
	if tests < p.tests {
		t := testAt(tests)
		s.stateDetail = "Running Test: " + t.class + "." + t.method
	}
	return s
}

// final is the last step, the one a finished deployment keeps reporting.
func (p plan) final() step {
	s := p.progress(p.components, p.tests, true)
	s.done = true
	switch p.outcome {
	case OutcomeSuccess:
		s.status = statusSucceeded
	case OutcomePartial:
		s.status = statusSucceededPartial
	case OutcomeCanceled:
		s.status = statusCanceled
		s.canceledBy, s.canceledByName = cancelerID, cancelerName
	case OutcomeError:
		s.status = statusFailed
		s.errorCode = "UNKNOWN_EXCEPTION"
		s.errorMessage = "UNKNOWN_EXCEPTION: An unexpected error occurred. Please include " +
			"this ErrorId if you contact support: 1234567890-12345 (-1234567890)"
	default:
		s.status = statusFailed
	}
	return s
}

// success is the deployResult's success flag for a step. SucceededPartial counts as a
// success here; the real value for it is unconfirmed, so clients should decide by status.
func (s step) success() bool {
	return s.done && (s.status == statusSucceeded || s.status == statusSucceededPartial)
}
