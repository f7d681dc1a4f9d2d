<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>About</name>
    <message>
        <source>System</source>
        <translation>시스템</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>장치</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>로그</translation>
    </message>
    <message>
        <source>Build, train and see inside sequence models, live.</source>
        <translation>시퀀스 모델을 만들고 학습하며 그 속을 실시간으로 들여다봅니다.</translation>
    </message>
</context>
<context>
    <name>Actions</name>
    <message>
        <source>&amp;New</source>
        <translation>새로 만들기(&amp;N)</translation>
    </message>
    <message>
        <source>A new project with the default model</source>
        <translation>기본 모델로 새 프로젝트를 만듭니다</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>열기(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>저장(&amp;S)</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>다른 이름으로 저장(&amp;A)…</translation>
    </message>
    <message>
        <source>Scalars as CSV…</source>
        <translation>스칼라 값 CSV…</translation>
    </message>
    <message>
        <source>Standalone PyTorch script…</source>
        <translation>단독 실행 PyTorch 스크립트…</translation>
    </message>
    <message>
        <source>TensorBoard event files…</source>
        <translation>TensorBoard 이벤트 파일…</translation>
    </message>
    <message>
        <source>&amp;Report (HTML)…</source>
        <translation>보고서(HTML)(&amp;R)…</translation>
    </message>
    <message>
        <source>The runs compared and the current run&apos;s plots, in one file for a browser</source>
        <translation>실행 비교와 현재 실행의 그래프를 브라우저용 파일 하나로 만듭니다</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>끝내기(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>실행 취소(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Undo {edit}</source>
        <translation>실행 취소(&amp;U): {edit}</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>다시 실행(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Redo {edit}</source>
        <translation>다시 실행(&amp;R): {edit}</translation>
    </message>
    <message>
        <source>&amp;Train</source>
        <translation>학습(&amp;T)</translation>
    </message>
    <message>
        <source>Train the model (continue a paused run)</source>
        <translation>모델을 학습합니다 (일시 정지한 실행은 이어서)</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>일시 정지(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Step</source>
        <translation>한 스텝(&amp;S)</translation>
    </message>
    <message>
        <source>Train one step, then pause</source>
        <translation>한 스텝 학습한 뒤 멈춥니다</translation>
    </message>
    <message>
        <source>Step &amp;N</source>
        <translation>N 스텝(&amp;N)</translation>
    </message>
    <message>
        <source>Train N steps, then pause</source>
        <translation>N 스텝 학습한 뒤 멈춥니다</translation>
    </message>
    <message>
        <source>St&amp;op</source>
        <translation>중지(&amp;O)</translation>
    </message>
    <message>
        <source>New &amp;Run from the Form</source>
        <translation>양식으로 새 실행(&amp;R)</translation>
    </message>
    <message>
        <source>Keep the current run and start a fresh one with the form&apos;s spec</source>
        <translation>현재 실행은 두고 양식의 설정으로 새 실행을 시작합니다</translation>
    </message>
    <message>
        <source>&amp;Race All Runs</source>
        <translation>모든 실행 경주(&amp;R)</translation>
    </message>
    <message>
        <source>Train every untrained run of the project, one after another, and compare them</source>
        <translation>프로젝트에서 아직 학습하지 않은 실행을 차례로 모두 학습하고 비교합니다</translation>
    </message>
    <message>
        <source>S&amp;weep…</source>
        <translation>스윕(&amp;W)…</translation>
    </message>
    <message>
        <source>Train many runs at once, varying one or two fields of the form, on this machine&apos;s cores or a Ray cluster</source>
        <translation>양식의 항목 한두 개를 바꿔 가며 여러 실행을 한꺼번에 학습합니다 (이 컴퓨터의 코어나 Ray 클러스터에서)</translation>
    </message>
    <message>
        <source>Try the &amp;Model…</source>
        <translation>모델 시험(&amp;M)…</translation>
    </message>
    <message>
        <source>Run the model on an input of your own in the Playground</source>
        <translation>플레이그라운드에서 직접 넣은 입력으로 모델을 실행합니다</translation>
    </message>
    <message>
        <source>&amp;About SeqLab</source>
        <translation>SeqLab 정보(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>단축키(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;Presentation Mode</source>
        <translation>발표 모드(&amp;P)</translation>
    </message>
    <message>
        <source>Full screen, large text, thick lines, high contrast; F11 or Esc leaves it</source>
        <translation>전체 화면, 큰 글자, 굵은 선, 높은 대비. F11 또는 Esc로 나갑니다</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>최근 파일 열기(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>내보내기(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>편집(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>실행(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>보기(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>테마(&amp;T)</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>시스템 설정 따르기</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>밝게</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>어둡게</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>실행</translation>
    </message>
    <message>
        <source>(none yet)</source>
        <translation>(아직 없음)</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>이어서 학습(&amp;R)</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>단축키</translation>
    </message>
</context>
<context>
    <name>Choices</name>
    <message>
        <source>transformer</source>
        <translation>트랜스포머</translation>
    </message>
    <message>
        <source>window</source>
        <translation>고정 윈도</translation>
    </message>
    <message>
        <source>markov</source>
        <translation>마르코프 연쇄</translation>
    </message>
    <message>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>dot</source>
        <translation>내적</translation>
    </message>
    <message>
        <source>general</source>
        <translation>일반형</translation>
    </message>
    <message>
        <source>additive</source>
        <translation>덧셈형</translation>
    </message>
    <message>
        <source>encoder</source>
        <translation>인코더</translation>
    </message>
    <message>
        <source>decoder</source>
        <translation>디코더</translation>
    </message>
    <message>
        <source>encoder_decoder</source>
        <translation>인코더-디코더</translation>
    </message>
    <message>
        <source>pre</source>
        <translation>블록 앞</translation>
    </message>
    <message>
        <source>post</source>
        <translation>블록 뒤</translation>
    </message>
    <message>
        <source>sinusoidal</source>
        <translation>사인파</translation>
    </message>
    <message>
        <source>learned</source>
        <translation>학습형</translation>
    </message>
    <message>
        <source>constant</source>
        <translation>고정</translation>
    </message>
    <message>
        <source>warmup</source>
        <translation>워밍업</translation>
    </message>
    <message>
        <source>cosine</source>
        <translation>코사인</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>자동</translation>
    </message>
    <message>
        <source>stop</source>
        <translation>중단</translation>
    </message>
    <message>
        <source>skip</source>
        <translation>건너뛰기</translation>
    </message>
    <message>
        <source>last</source>
        <translation>마지막 위치</translation>
    </message>
    <message>
        <source>full</source>
        <translation>전체 손실</translation>
    </message>
    <message>
        <source>hello</source>
        <translation>hello 외우기</translation>
    </message>
    <message>
        <source>shakespeare</source>
        <translation>셰익스피어</translation>
    </message>
    <message>
        <source>text_file</source>
        <translation>텍스트 파일</translation>
    </message>
    <message>
        <source>copy</source>
        <translation>복사</translation>
    </message>
    <message>
        <source>reverse</source>
        <translation>뒤집기</translation>
    </message>
    <message>
        <source>sort</source>
        <translation>정렬</translation>
    </message>
    <message>
        <source>recall</source>
        <translation>회상</translation>
    </message>
    <message>
        <source>addition</source>
        <translation>덧셈</translation>
    </message>
    <message>
        <source>dates</source>
        <translation>날짜 변환</translation>
    </message>
    <message>
        <source>sentiment</source>
        <translation>감성 분류</translation>
    </message>
    <message>
        <source>sentiment_generation</source>
        <translation>감성 문장 생성</translation>
    </message>
    <message>
        <source>sines</source>
        <translation>사인파 예측</translation>
    </message>
    <message>
        <source>random_walk</source>
        <translation>랜덤 워크</translation>
    </message>
    <message>
        <source>csv</source>
        <translation>CSV 열 예측</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <source>SeqLab hit a bug</source>
        <translation>SeqLab에 버그가 생겼습니다</translation>
    </message>
    <message>
        <source>They are also in the log file {file}.</source>
        <translation>자세한 내용은 로그 파일 {file}에도 있습니다.</translation>
    </message>
    <message>
        <source>SeqLab could not write its log file.</source>
        <translation>SeqLab이 로그 파일을 쓰지 못했습니다.</translation>
    </message>
    <message>
        <source>Copy Details</source>
        <translation>자세한 내용 복사</translation>
    </message>
    <message>
        <source>{count} more since then.</source>
        <translation>그 뒤로 {count}개가 더 있었습니다.</translation>
    </message>
    <message>
        <source>Something went wrong inside SeqLab:</source>
        <translation>SeqLab 내부에서 문제가 생겼습니다:</translation>
    </message>
    <message>
        <source>The window goes on, and your project is still open: saving it now is wise. The details below help whoever fixes it.</source>
        <translation>창은 계속 동작하고 프로젝트도 그대로 열려 있으니 지금 저장해 두는 것이 좋습니다. 아래의 자세한 내용은 문제를 고치는 사람에게 도움이 됩니다.</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>복사함</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <source>SeqLab projects ({pattern})</source>
        <translation>SeqLab 프로젝트 ({pattern})</translation>
    </message>
    <message>
        <source>All files ({pattern})</source>
        <translation>모든 파일 ({pattern})</translation>
    </message>
    <message>
        <source>Open project</source>
        <translation>프로젝트 열기</translation>
    </message>
    <message>
        <source>Save project</source>
        <translation>프로젝트 저장</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>내보내기</translation>
    </message>
    <message>
        <source>Export TensorBoard event files to</source>
        <translation>TensorBoard 이벤트 파일을 내보낼 폴더</translation>
    </message>
    <message>
        <source>Choose the file to learn from</source>
        <translation>학습할 파일 선택</translation>
    </message>
    <message>
        <source>Text and CSV files ({pattern})</source>
        <translation>텍스트와 CSV 파일 ({pattern})</translation>
    </message>
</context>
<context>
    <name>Docks</name>
    <message>
        <source>Architecture</source>
        <translation>구조</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>과제</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>학습</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>손실</translation>
    </message>
    <message>
        <source>Gradient per timestep</source>
        <translation>시점별 기울기</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>어텐션</translation>
    </message>
    <message>
        <source>Inside view</source>
        <translation>내부 보기</translation>
    </message>
    <message>
        <source>Gradient norms</source>
        <translation>기울기 노름</translation>
    </message>
    <message>
        <source>Playground</source>
        <translation>플레이그라운드</translation>
    </message>
    <message>
        <source>Sweep</source>
        <translation>스윕</translation>
    </message>
    <message>
        <source>Compare runs</source>
        <translation>실행 비교</translation>
    </message>
    <message>
        <source>Lesson</source>
        <translation>레슨</translation>
    </message>
</context>
<context>
    <name>Document</name>
    <message>
        <source>This run learns from {path}, which the project does not hold. A project never makes SeqLab read a file on this computer: choose the file to learn from.</source>
        <translation>이 실행은 {path}에서 학습하지만 프로젝트에 그 파일이 없습니다. 프로젝트가 이 컴퓨터의 파일을 SeqLab에 읽히는 일은 없습니다. 학습할 파일을 선택하세요.</translation>
    </message>
    <message>
        <source>Choose File…</source>
        <translation>파일 선택…</translation>
    </message>
    <message>
        <source>Recovery copy found</source>
        <translation>복구본 발견</translation>
    </message>
    <message>
        <source>There is {recovery}, newer than {name}.

Open the recovery copy instead?</source>
        <translation>{name}보다 새로운 {recovery}이(가) 있습니다.

복구본을 대신 열까요?</translation>
    </message>
    <message>
        <source>Cannot open project</source>
        <translation>프로젝트를 열 수 없습니다</translation>
    </message>
    <message>
        <source>If that program has ended (a crash on another computer), delete {lock}.</source>
        <translation>그 프로그램이 끝났다면(다른 컴퓨터에서 비정상 종료) {lock}을(를) 지우세요.</translation>
    </message>
    <message>
        <source>{name} is open for editing in {holder}. This window shows it read-only: Save asks for a new name.</source>
        <translation>{name}은(는) {holder}에서 편집 중입니다. 이 창은 읽기 전용으로 보여 주며, 저장하면 새 이름을 묻습니다.</translation>
    </message>
    <message>
        <source>Save a Copy As…</source>
        <translation>사본으로 저장…</translation>
    </message>
    <message>
        <source>Cannot save project</source>
        <translation>프로젝트를 저장할 수 없습니다</translation>
    </message>
    <message>
        <source>{path} is open for editing in {holder}. Save under another name.</source>
        <translation>{path}은(는) {holder}에서 편집 중입니다. 다른 이름으로 저장하세요.</translation>
    </message>
    <message>
        <source>Save As…</source>
        <translation>다른 이름으로 저장…</translation>
    </message>
    <message>
        <source>Overwrite</source>
        <translation>덮어쓰기</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>다시 읽기</translation>
    </message>
    <message>
        <source>Project changed on disk</source>
        <translation>디스크의 프로젝트가 바뀌었습니다</translation>
    </message>
    <message>
        <source>{change}.

Save this window&apos;s project under another name, overwrite the file, or reload it (this window&apos;s changes are dropped)?</source>
        <translation>{change}.

이 창의 프로젝트를 다른 이름으로 저장할까요, 파일을 덮어쓸까요, 아니면 다시 읽을까요(이 창의 변경은 버려집니다)?</translation>
    </message>
    <message>
        <source>{why}.

Everything is still here, in this window, trained runs included. Save it somewhere else?</source>
        <translation>{why}.

학습한 실행을 포함해 모든 것이 이 창에 그대로 있습니다. 다른 곳에 저장할까요?</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>{path} 저장함</translation>
    </message>
    <message>
        <source>Cannot reload project</source>
        <translation>프로젝트를 다시 읽을 수 없습니다</translation>
    </message>
    <message>
        <source>Autosave failed: {error}</source>
        <translation>자동 저장 실패: {error}</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>저장하지 않은 변경</translation>
    </message>
    <message>
        <source>Save the changes to {name}?</source>
        <translation>{name}의 변경을 저장할까요?</translation>
    </message>
    <message>
        <source>this project</source>
        <translation>이 프로젝트</translation>
    </message>
</context>
<context>
    <name>Edits</name>
    <message>
        <source>Set {values}</source>
        <translation>{values} 설정</translation>
    </message>
</context>
<context>
    <name>Engine</name>
    <message>
        <source>{key}={value} must be one of {options}</source>
        <translation>{key}={value}: {options} 중 하나여야 합니다</translation>
    </message>
    <message>
        <source>{key}={value} must be a finite number</source>
        <translation>{key}={value}: 유한한 수여야 합니다</translation>
    </message>
    <message>
        <source>{key}={value} must be in {range} (add-alpha: every next token keeps some probability)</source>
        <translation>{key}={value}: {range} 범위여야 합니다 (add-alpha: 모든 다음 토큰이 확률을 조금씩 가집니다)</translation>
    </message>
    <message>
        <source>{key}={value} must be at least 0 (0 turns clipping off)</source>
        <translation>{key}={value}: 0 이상이어야 합니다 (0이면 클리핑 안 함)</translation>
    </message>
    <message>
        <source>{key}={value} is too large ({digits} digits; no spec key takes over {limit})</source>
        <translation>{key}={value}: 너무 큽니다 ({digits}자리, 어떤 설정 키도 {limit}자리를 넘지 않습니다)</translation>
    </message>
    <message>
        <source>{key} is not a spec key</source>
        <translation>{key}: 설정 키가 아닙니다</translation>
    </message>
    <message>
        <source>{key} is not a spec key (did you mean {other}?)</source>
        <translation>{key}: 설정 키가 아닙니다 ({other}을(를) 뜻했나요?)</translation>
    </message>
    <message>
        <source>{key}={value} must be at most {limit} for model.family={family} (only the Transformer stacks more)</source>
        <translation>{key}={value}: model.family={family}에서는 {limit} 이하여야 합니다 (더 쌓는 것은 트랜스포머뿐입니다)</translation>
    </message>
    <message>
        <source>{key}={value} is not divisible by model.heads={heads}</source>
        <translation>{key}={value}: model.heads={heads}로 나누어떨어지지 않습니다</translation>
    </message>
    <message>
        <source>{key}={value} needs an encoder-decoder: set model.family=seq2seq (the Transformer has its own attention)</source>
        <translation>{key}={value}: 인코더-디코더가 필요합니다. model.family=seq2seq로 설정하세요 (트랜스포머는 자체 어텐션이 있습니다)</translation>
    </message>
    <message>
        <source>model.decoder_cell is only used by model.family=seq2seq, not {family}</source>
        <translation>model.decoder_cell은 model.family=seq2seq에서만 쓰며, {family}에서는 쓰지 않습니다</translation>
    </message>
    <message>
        <source>task.min_length={shortest} is longer than task.length={length}</source>
        <translation>task.min_length={shortest}이(가) task.length={length}보다 깁니다</translation>
    </message>
    <message>
        <source>probes.example={example} must be below {key}={limit}</source>
        <translation>probes.example={example}: {key}={limit}보다 작아야 합니다</translation>
    </message>
    <message>
        <source>{key}={value} must be at least {low}</source>
        <translation>{key}={value}: {low} 이상이어야 합니다</translation>
    </message>
    <message>
        <source>training.precision={precision} is for CUDA; training.device={device} trains in fp32</source>
        <translation>training.precision={precision}은(는) CUDA용입니다. training.device={device}에서는 fp32로 학습합니다</translation>
    </message>
    <message>
        <source>{key}={value} must be at most {high}</source>
        <translation>{key}={value}: {high} 이하여야 합니다</translation>
    </message>
    <message>
        <source>model.bidirectional applies to recurrent encoders; a Transformer encoder already sees both directions</source>
        <translation>model.bidirectional은 순환 인코더에 쓰입니다. 트랜스포머 인코더는 이미 양방향을 모두 봅니다</translation>
    </message>
    <message>
        <source>training.schedule=warmup needs training.warmup_steps &gt;= 1</source>
        <translation>training.schedule=warmup에는 training.warmup_steps &gt;= 1이 필요합니다</translation>
    </message>
    <message>
        <source>training.precision={precision} needs a CUDA device; this run is on {kind} (training.precision=auto trains in fp32 there)</source>
        <translation>training.precision={precision}에는 CUDA 장치가 필요합니다. 이 실행은 {kind}에서 학습합니다 (training.precision=auto이면 그곳에서 fp32로 학습합니다)</translation>
    </message>
    <message>
        <source>training.precision=bf16 needs a GPU that computes in bf16 (compute capability 8.0 or later); {device} ({gpu}) does not: use fp16 or auto</source>
        <translation>training.precision=bf16에는 bf16으로 계산하는 GPU(연산 능력 8.0 이상)가 필요한데 {device}({gpu})은(는) 그렇지 않습니다. 정밀도를 fp16이나 자동으로 바꾸세요</translation>
    </message>
    <message>
        <source>this GPU</source>
        <translation>이 GPU</translation>
    </message>
    <message>
        <source>a recovery copy of {owner} autosaved at {saved}</source>
        <translation>{saved}에 자동 저장된 {owner}의 복구본</translation>
    </message>
    <message>
        <source>an unsaved project</source>
        <translation>저장하지 않은 프로젝트</translation>
    </message>
    <message>
        <source>{program} (process {pid} of {user} on {host}, since {since})</source>
        <translation>{program}(호스트 {host}, 사용자 {user}의 프로세스 {pid}, {since}부터)</translation>
    </message>
    <message>
        <source>another program (its lock file, being written or damaged, names none)</source>
        <translation>다른 프로그램(잠금 파일이 쓰는 중이거나 손상되어 이름을 알 수 없습니다)</translation>
    </message>
    <message>
        <source>this machine</source>
        <translation>이 컴퓨터</translation>
    </message>
    <message>
        <source>{key}={value} must be in {range}</source>
        <translation>{key}={value}: {range} 범위여야 합니다</translation>
    </message>
    <message>
        <source>{key}={value} must be {kind}</source>
        <translation>{key}={value}: {kind}여야 합니다</translation>
    </message>
    <message>
        <source>task.name={task} is {kind}; {model} cannot learn it. Use {suitable}</source>
        <translation>task.name={task}은(는) {kind} 과제라서 {model}은(는) 배울 수 없습니다. 다음을 쓰세요: {suitable}</translation>
    </message>
    <message>
        <source>model.bidirectional=true is for encoders; task.name={task} is {kind}, and a bidirectional decoder would read the tokens it must predict</source>
        <translation>model.bidirectional=true는 인코더용입니다. task.name={task}은(는) {kind} 과제이며, 양방향 디코더는 예측할 토큰을 미리 읽게 됩니다</translation>
    </message>
    <message>
        <source>training.teacher_forcing below 1 needs a recurrent decoder (model.family=seq2seq or one-to-many generation); this model always trains on the true previous tokens</source>
        <translation>1보다 작은 training.teacher_forcing에는 순환 디코더가 필요합니다 (model.family=seq2seq 또는 일대다 생성). 이 모델은 항상 실제 이전 토큰으로 학습합니다</translation>
    </message>
    <message>
        <source>task {task} has sequences of up to {longest} positions but model.max_len={limit} (the positional table) is shorter</source>
        <translation>과제 {task}의 시퀀스는 최대 {longest} 위치인데 model.max_len={limit}(위치 표)이 더 짧습니다</translation>
    </message>
    <message>
        <source>task.name={task} needs task.path: the UTF-8 text file to learn from</source>
        <translation>task.name={task}에는 task.path가 필요합니다: 학습할 UTF-8 텍스트 파일</translation>
    </message>
    <message>
        <source>task.name={task} needs task.path: the CSV file with a numeric column to learn from</source>
        <translation>task.name={task}에는 task.path가 필요합니다: 학습할 숫자 열이 있는 CSV 파일</translation>
    </message>
    <message>
        <source>diverged at step {step}: the loss became {loss} and the gradient norm {norm}</source>
        <translation>스텝 {step}에서 발산했습니다: 손실이 {loss}, 기울기 노름이 {norm}이(가) 되었습니다</translation>
    </message>
    <message>
        <source>diverged at step {step}: the loss became {loss}</source>
        <translation>스텝 {step}에서 발산했습니다: 손실이 {loss}이(가) 되었습니다</translation>
    </message>
    <message>
        <source>diverged at step {step}: the gradient norm became {norm} (loss {loss})</source>
        <translation>스텝 {step}에서 발산했습니다: 기울기 노름이 {norm}이(가) 되었습니다 (손실 {loss})</translation>
    </message>
    <message>
        <source>diverged at step {step}: the gradients overflowed fp16 at {limit} steps in a row, however far the gradient scaler lowered its scale (loss {loss})</source>
        <translation>스텝 {step}에서 발산했습니다: 기울기 스케일러가 스케일을 아무리 낮춰도 기울기가 {limit} 스텝 연속으로 fp16 범위를 넘었습니다 (손실 {loss})</translation>
    </message>
    <message>
        <source>Last finite values, at step {step}: loss {loss}, gradient norm {norm}</source>
        <translation>마지막 유한 값(스텝 {step}): 손실 {loss}, 기울기 노름 {norm}</translation>
    </message>
    <message>
        <source>The weights from before step {step} are kept</source>
        <translation>스텝 {step} 이전의 가중치를 유지합니다</translation>
    </message>
    <message>
        <source>Try a lower training.lr (now {lr}) or gradient clipping (training.clip_norm, now 0: off), or training.precision=fp32</source>
        <translation>더 낮은 training.lr(지금 {lr})이나 기울기 클리핑(training.clip_norm, 지금 0: 꺼짐), 또는 training.precision=fp32를 시도하세요</translation>
    </message>
    <message>
        <source>Try a lower training.lr (now {lr}), or training.precision=fp32</source>
        <translation>더 낮은 training.lr(지금 {lr})이나 training.precision=fp32를 시도하세요</translation>
    </message>
    <message>
        <source>Try a lower training.lr (now {lr}) or gradient clipping (training.clip_norm, now 0: off)</source>
        <translation>더 낮은 training.lr(지금 {lr})이나 기울기 클리핑(training.clip_norm, 지금 0: 꺼짐)을 시도하세요</translation>
    </message>
    <message>
        <source>Try a lower training.lr (now {lr})</source>
        <translation>더 낮은 training.lr(지금 {lr})을 시도하세요</translation>
    </message>
    <message>
        <source>out of memory on {device} while building the model ({error})</source>
        <translation>모델을 만드는 중 {device} 메모리가 부족합니다 ({error})</translation>
    </message>
    <message>
        <source>out of memory on {device} at step {step} ({error})</source>
        <translation>스텝 {step}에서 {device} 메모리가 부족합니다 ({error})</translation>
    </message>
    <message>
        <source>The memory it held is released; lower training.batch_size (now {batch}), task.length (now {length}) or the model size, or train on the CPU</source>
        <translation>쓰던 메모리는 해제했습니다. training.batch_size(지금 {batch}), task.length(지금 {length}) 또는 모델 크기를 줄이거나 CPU에서 학습하세요</translation>
    </message>
    <message>
        <source>The memory it held is released; lower training.batch_size (now {batch}), task.length (now {length}) or the model size</source>
        <translation>쓰던 메모리는 해제했습니다. training.batch_size(지금 {batch}), task.length(지금 {length}) 또는 모델 크기를 줄이세요</translation>
    </message>
    <message>
        <source>run {run} has trained all its {steps} steps</source>
        <translation>실행 {run}은(는) {steps} 스텝을 모두 학습했습니다</translation>
    </message>
    <message>
        <source>training.device={device} is not available here: this machine has no GPU</source>
        <translation>training.device={device}은(는) 여기서 쓸 수 없습니다: 이 컴퓨터에는 GPU가 없습니다</translation>
    </message>
    <message>
        <source>training.device={device} is not available here: this machine has 1 GPU (cuda:0)</source>
        <translation>training.device={device}은(는) 여기서 쓸 수 없습니다: 이 컴퓨터에는 GPU가 1개(cuda:0) 있습니다</translation>
    </message>
    <message>
        <source>training.device={device} is not available here: this machine has {count} GPUs (cuda:0 to cuda:{last})</source>
        <translation>training.device={device}은(는) 여기서 쓸 수 없습니다: 이 컴퓨터에는 GPU가 {count}개(cuda:0~cuda:{last}) 있습니다</translation>
    </message>
    <message>
        <source>training.device={device} is not available here (available: {devices})</source>
        <translation>training.device={device}은(는) 여기서 쓸 수 없습니다 (쓸 수 있는 장치: {devices})</translation>
    </message>
    <message>
        <source>step {step}</source>
        <translation>스텝 {step}</translation>
    </message>
    <message>
        <source>loss {loss}</source>
        <translation>손실 {loss}</translation>
    </message>
    <message>
        <source>{speed} tokens/s</source>
        <translation>초당 {speed} 토큰</translation>
    </message>
    <message>
        <source>step {step}, {seconds} s</source>
        <translation>스텝 {step}, {seconds}초</translation>
    </message>
    <message>
        <source>validation {metric}</source>
        <translation>검증 {metric}</translation>
    </message>
    <message>
        <source>Transformer {arch} {layers}x{width}, {heads} heads</source>
        <translation>트랜스포머 {arch} {layers}x{width}, 헤드 {heads}개</translation>
    </message>
    <message>
        <source>{cell} seq2seq {hidden}, attention {attention}</source>
        <translation>{cell} seq2seq {hidden}, 어텐션 {attention}</translation>
    </message>
    <message>
        <source>window of {context}, MLP {layers}x{hidden}</source>
        <translation>윈도 {context}, MLP {layers}x{hidden}</translation>
    </message>
    <message>
        <source>Markov chain of order {order}</source>
        <translation>{order}차 마르코프 연쇄</translation>
    </message>
    <message>
        <source>not reached</source>
        <translation>도달 못 함</translation>
    </message>
    <message>
        <source>not trained</source>
        <translation>학습 안 함</translation>
    </message>
    <message>
        <source>architecture</source>
        <translation>구조</translation>
    </message>
    <message>
        <source>task</source>
        <translation>과제</translation>
    </message>
    <message>
        <source>parameters</source>
        <translation>매개변수</translation>
    </message>
    <message>
        <source>steps trained</source>
        <translation>학습한 스텝</translation>
    </message>
    <message>
        <source>device</source>
        <translation>장치</translation>
    </message>
    <message>
        <source>precision</source>
        <translation>정밀도</translation>
    </message>
    <message>
        <source>final training loss</source>
        <translation>최종 학습 손실</translation>
    </message>
    <message>
        <source>validation metric</source>
        <translation>검증 지표</translation>
    </message>
    <message>
        <source>tokens per second</source>
        <translation>초당 토큰</translation>
    </message>
    <message>
        <source>diverged at step</source>
        <translation>발산한 스텝</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>알 수 없는 오류</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>정확도</translation>
    </message>
    <message>
        <source>token_accuracy</source>
        <translation>토큰 정확도</translation>
    </message>
    <message>
        <source>sequence_accuracy</source>
        <translation>시퀀스 정확도</translation>
    </message>
    <message>
        <source>free_accuracy</source>
        <translation>자유 생성 정확도</translation>
    </message>
    <message>
        <source>teacher_forced_accuracy</source>
        <translation>교사 강요 정확도</translation>
    </message>
    <message>
        <source>past_only_accuracy</source>
        <translation>과거만 본 정확도</translation>
    </message>
    <message>
        <source>mse</source>
        <translation>평균 제곱 오차</translation>
    </message>
    <message>
        <source>None of those steps was applied</source>
        <translation>그 스텝들은 하나도 적용하지 않았습니다</translation>
    </message>
    <message>
        <source>encoder</source>
        <translation>인코더</translation>
    </message>
    <message>
        <source>decoder</source>
        <translation>디코더</translation>
    </message>
    <message>
        <source>encoder-decoder</source>
        <translation>인코더-디코더</translation>
    </message>
    <message>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>dot</source>
        <translation>내적</translation>
    </message>
    <message>
        <source>general</source>
        <translation>일반형</translation>
    </message>
    <message>
        <source>additive</source>
        <translation>덧셈형</translation>
    </message>
    <message>
        <source>an integer</source>
        <translation>정수</translation>
    </message>
    <message>
        <source>a number</source>
        <translation>수</translation>
    </message>
    <message>
        <source>true or false</source>
        <translation>true 또는 false 값</translation>
    </message>
    <message>
        <source>a string</source>
        <translation>문자열</translation>
    </message>
    <message>
        <source>next-token prediction (many-to-many, causal)</source>
        <translation>다음 토큰 예측(다대다, 인과적)</translation>
    </message>
    <message>
        <source>one label per input position (many-to-many, aligned)</source>
        <translation>입력 위치마다 레이블 하나(다대다, 정렬)</translation>
    </message>
    <message>
        <source>one label per sequence (many-to-one)</source>
        <translation>시퀀스마다 레이블 하나(다대일)</translation>
    </message>
    <message>
        <source>an output sequence for an input sequence (encoder-decoder)</source>
        <translation>입력 시퀀스에 대한 출력 시퀀스(인코더-디코더)</translation>
    </message>
    <message>
        <source>an output sequence from one start token (one-to-many)</source>
        <translation>시작 토큰 하나에서 나오는 출력 시퀀스(일대다)</translation>
    </message>
    <message>
        <source>the next values of a time series</source>
        <translation>시계열의 다음 값</translation>
    </message>
    <message>
        <source>a single recurrent network (model.family=rnn)</source>
        <translation>단일 순환 신경망(model.family=rnn)</translation>
    </message>
    <message>
        <source>a recurrent encoder-decoder (model.family=seq2seq)</source>
        <translation>순환 인코더-디코더(model.family=seq2seq)</translation>
    </message>
    <message>
        <source>an encoder-only Transformer (model.arch=encoder)</source>
        <translation>인코더만 있는 트랜스포머(model.arch=encoder)</translation>
    </message>
    <message>
        <source>a decoder-only language model (model.arch=decoder)</source>
        <translation>디코더만 있는 언어 모델(model.arch=decoder)</translation>
    </message>
    <message>
        <source>an encoder-decoder Transformer (model.arch=encoder_decoder)</source>
        <translation>인코더-디코더 트랜스포머(model.arch=encoder_decoder)</translation>
    </message>
    <message>
        <source>a fixed-window model (model.family=window)</source>
        <translation>고정 윈도 모델(model.family=window)</translation>
    </message>
    <message>
        <source>a Markov chain (model.family=markov)</source>
        <translation>마르코프 연쇄(model.family=markov)</translation>
    </message>
    <message>
        <source>a SeqLab window</source>
        <translation>SeqLab 창</translation>
    </message>
    <message>
        <source>{done}/{total} trials done</source>
        <translation>시행 {done}/{total}개 완료</translation>
    </message>
    <message>
        <source>{running} running</source>
        <translation>{running}개 진행 중</translation>
    </message>
    <message>
        <source>{failed} failed or diverged</source>
        <translation>{failed}개 실패 또는 발산</translation>
    </message>
    <message>
        <source>best {metric} {value} ({name})</source>
        <translation>최고 {metric} {value} ({name})</translation>
    </message>
    <message>
        <source>about {count} s left</source>
        <translation>약 {count}초 남음</translation>
    </message>
    <message>
        <source>about {count} min left</source>
        <translation>약 {count}분 남음</translation>
    </message>
    <message>
        <source>about {count} h left</source>
        <translation>약 {count}시간 남음</translation>
    </message>
    <message>
        <source>the sweep process ended unexpectedly (exit code {code})</source>
        <translation>스윕 프로세스가 예기치 않게 끝났습니다 (종료 코드 {code})</translation>
    </message>
    <message>
        <source>could not start an embedded Ray on this machine: {error}</source>
        <translation>이 컴퓨터에서 내장 Ray를 시작하지 못했습니다: {error}</translation>
    </message>
    <message>
        <source>could not start the Ray cluster at {address}: {error}</source>
        <translation>{address}의 Ray 클러스터에 연결하지 못했습니다: {error}</translation>
    </message>
    <message>
        <source>sweeps run on Ray, which is not installed here ({name}): pip install &apos;ray[tune]&apos;</source>
        <translation>스윕은 Ray에서 실행되는데, 여기에는 설치되어 있지 않습니다 ({name}): pip install &apos;ray[tune]&apos;</translation>
    </message>
    <message>
        <source>training.device={device} needs GPUs per trial (a fraction lets several trials share one GPU)</source>
        <translation>training.device={device}에는 시행당 GPU가 필요합니다 (분수로 주면 여러 시행이 GPU 하나를 나눠 씁니다)</translation>
    </message>
    <message>
        <source>{kind} per trial: {asked} asked, {where} has {has}</source>
        <translation>시행당 {kind}: {asked}개를 요청했지만 {where}에는 {has}개뿐입니다</translation>
    </message>
    <message>
        <source>the sweep failed: {error}</source>
        <translation>스윕이 실패했습니다: {error}</translation>
    </message>
    <message>
        <source>the trial {where}: {message}</source>
        <translation>시행 {where}: {message}</translation>
    </message>
    <message>
        <source>this sweep has {count} trials; at most {limit}</source>
        <translation>이 스윕에는 시행이 {count}개 있습니다. 최대 {limit}개까지입니다</translation>
    </message>
    <message>
        <source>{text}: a range is LO:HI:N or log:LO:HI:N</source>
        <translation>{text}: 범위는 LO:HI:N 또는 log:LO:HI:N 형식입니다</translation>
    </message>
    <message>
        <source>{text}: {key} takes no range of numbers</source>
        <translation>{text}: {key}에는 수의 범위를 줄 수 없습니다</translation>
    </message>
    <message>
        <source>{text}: N must be 1 to {limit}, not {count}</source>
        <translation>{text}: N은 1부터 {limit}까지여야 합니다 (지금 {count})</translation>
    </message>
    <message>
        <source>{text}: N must be a whole number, not {count}</source>
        <translation>{text}: N은 정수여야 합니다 (지금 {count})</translation>
    </message>
    <message>
        <source>{text}: LO must not be above HI</source>
        <translation>{text}: LO가 HI보다 크면 안 됩니다</translation>
    </message>
    <message>
        <source>{text}: a log range needs LO above 0</source>
        <translation>{text}: 로그 범위는 LO가 0보다 커야 합니다</translation>
    </message>
    <message>
        <source>{text}: at most {limit} values</source>
        <translation>{text}: 값은 최대 {limit}개입니다</translation>
    </message>
    <message>
        <source>{text} names a value twice</source>
        <translation>{text}에 같은 값이 두 번 있습니다</translation>
    </message>
    <message>
        <source>its validation loss trailed the other trials&apos;</source>
        <translation>검증 손실이 다른 시행보다 뒤처졌습니다</translation>
    </message>
    <message>
        <source>its worker failed</source>
        <translation>작업 프로세스가 실패했습니다</translation>
    </message>
</context>
<context>
    <name>Forms</name>
    <message>
        <source>Family</source>
        <translation>계열</translation>
    </message>
    <message>
        <source>rnn: one recurrent network; seq2seq: encoder-decoder; transformer: attention only</source>
        <translation>RNN: 순환 신경망 하나, seq2seq: 인코더-디코더, 트랜스포머: 어텐션만 사용</translation>
    </message>
    <message>
        <source>Cell</source>
        <translation>셀</translation>
    </message>
    <message>
        <source>rnn_tanh / rnn_relu: plain RNN; lstm; gru</source>
        <translation>rnn_tanh / rnn_relu: 기본 RNN, LSTM, GRU</translation>
    </message>
    <message>
        <source>Decoder cell</source>
        <translation>디코더 셀</translation>
    </message>
    <message>
        <source>empty: the same as the encoder&apos;s cell</source>
        <translation>비우면 인코더와 같은 셀</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>어텐션</translation>
    </message>
    <message>
        <source>none: the decoder sees one context vector; dot, general (Luong), additive (Bahdanau)</source>
        <translation>없음: 디코더가 문맥 벡터 하나만 봅니다. 내적·일반형(Luong), 덧셈형(Bahdanau)</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>구조</translation>
    </message>
    <message>
        <source>Window (last inputs seen)</source>
        <translation>윈도 (보는 마지막 입력 수)</translation>
    </message>
    <message>
        <source>Order (previous tokens)</source>
        <translation>차수 (앞 토큰 수)</translation>
    </message>
    <message>
        <source>Smoothing (add-alpha)</source>
        <translation>평활화 (add-alpha)</translation>
    </message>
    <message>
        <source>Embedding size</source>
        <translation>임베딩 크기</translation>
    </message>
    <message>
        <source>Hidden size</source>
        <translation>은닉 크기</translation>
    </message>
    <message>
        <source>Model width (d_model)</source>
        <translation>모델 너비(d_model)</translation>
    </message>
    <message>
        <source>Attention heads</source>
        <translation>어텐션 헤드</translation>
    </message>
    <message>
        <source>Feed-forward size</source>
        <translation>피드포워드 크기</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>층 수</translation>
    </message>
    <message>
        <source>Bidirectional encoder</source>
        <translation>양방향 인코더</translation>
    </message>
    <message>
        <source>Keep-gate bias</source>
        <translation>유지 게이트 편향</translation>
    </message>
    <message>
        <source>Initial bias of the gate that keeps the state: the LSTM forget gate, the GRU update gate</source>
        <translation>상태를 유지하는 게이트의 초기 편향: LSTM의 망각 게이트, GRU의 업데이트 게이트</translation>
    </message>
    <message>
        <source>Layer norm</source>
        <translation>층 정규화</translation>
    </message>
    <message>
        <source>Positional encoding</source>
        <translation>위치 인코딩</translation>
    </message>
    <message>
        <source>Causal mask (decoder)</source>
        <translation>인과 마스크(디코더)</translation>
    </message>
    <message>
        <source>Longest position</source>
        <translation>최대 위치</translation>
    </message>
    <message>
        <source>Dropout</source>
        <translation>드롭아웃</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>과제</translation>
    </message>
    <message>
        <source>File</source>
        <translation>파일</translation>
    </message>
    <message>
        <source>a UTF-8 text file, or a CSV</source>
        <translation>UTF-8 텍스트 파일 또는 CSV</translation>
    </message>
    <message>
        <source>CSV column</source>
        <translation>CSV 열</translation>
    </message>
    <message>
        <source>a name or 0-based index; empty: the first numeric</source>
        <translation>열 이름 또는 0부터 센 번호. 비우면 첫 숫자 열</translation>
    </message>
    <message>
        <source>Sequence length</source>
        <translation>시퀀스 길이</translation>
    </message>
    <message>
        <source>Shortest sequence</source>
        <translation>최단 시퀀스</translation>
    </message>
    <message>
        <source>Symbols</source>
        <translation>기호 수</translation>
    </message>
    <message>
        <source>Distractors</source>
        <translation>방해 토큰</translation>
    </message>
    <message>
        <source>tokens between the cue and the query: how far back the model must remember</source>
        <translation>단서와 질문 사이의 토큰 수: 모델이 얼마나 먼 과거를 기억해야 하는지</translation>
    </message>
    <message>
        <source>Digits</source>
        <translation>자릿수</translation>
    </message>
    <message>
        <source>Forecast horizon</source>
        <translation>예측 구간</translation>
    </message>
    <message>
        <source>Training examples</source>
        <translation>학습 예제 수</translation>
    </message>
    <message>
        <source>Validation examples</source>
        <translation>검증 예제 수</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>스텝 수</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>배치 크기</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>옵티마이저</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>학습률</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>학습률 스케줄</translation>
    </message>
    <message>
        <source>Warm-up steps</source>
        <translation>워밍업 스텝</translation>
    </message>
    <message>
        <source>Momentum</source>
        <translation>모멘텀</translation>
    </message>
    <message>
        <source>Weight decay</source>
        <translation>가중치 감쇠</translation>
    </message>
    <message>
        <source>Clip gradient norm</source>
        <translation>기울기 노름 클리핑</translation>
    </message>
    <message>
        <source>0 turns clipping off</source>
        <translation>0이면 클리핑 안 함</translation>
    </message>
    <message>
        <source>Teacher forcing</source>
        <translation>교사 강요</translation>
    </message>
    <message>
        <source>Teacher forcing at end</source>
        <translation>마지막 교사 강요</translation>
    </message>
    <message>
        <source>empty: no schedule</source>
        <translation>비우면 스케줄 없음</translation>
    </message>
    <message>
        <source>On NaN or Inf</source>
        <translation>NaN·Inf일 때</translation>
    </message>
    <message>
        <source>stop: end the run, keeping the weights from before that step; skip: drop the step and count it</source>
        <translation>중단: 그 스텝 이전 가중치를 두고 실행을 끝냅니다. 건너뛰기: 그 스텝을 버리고 횟수를 셉니다</translation>
    </message>
    <message>
        <source>Evaluate every</source>
        <translation>평가 간격</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>장치</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>정밀도</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>시드</translation>
    </message>
    <message>
        <source>Probe every</source>
        <translation>프로브 간격</translation>
    </message>
    <message>
        <source>steps between probe snapshots; 0 turns probes off</source>
        <translation>프로브 스냅숏 사이 스텝 수. 0이면 프로브 안 함</translation>
    </message>
    <message>
        <source>Gradient of</source>
        <translation>기울기 대상</translation>
    </message>
    <message>
        <source>last: the loss at the last output position; full: the whole loss</source>
        <translation>마지막 위치: 마지막 출력 위치의 손실, 전체 손실: 손실 전체</translation>
    </message>
    <message>
        <source>(same as encoder)</source>
        <translation>(인코더와 같음)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>찾아보기…</translation>
    </message>
    <message>
        <source>Choose a data file</source>
        <translation>데이터 파일 선택</translation>
    </message>
    <message>
        <source>Text or CSV ({pattern})</source>
        <translation>텍스트 또는 CSV ({pattern})</translation>
    </message>
    <message>
        <source>All files ({pattern})</source>
        <translation>모든 파일 ({pattern})</translation>
    </message>
    <message>
        <source>{device} (not available)</source>
        <translation>{device} (사용 불가)</translation>
    </message>
</context>
<context>
    <name>InsidePanel</name>
    <message>
        <source>next token</source>
        <translation>다음 토큰</translation>
    </message>
    <message>
        <source>previous token</source>
        <translation>이전 토큰</translation>
    </message>
    <message>
        <source>token (time →)</source>
        <translation>토큰 (시간 →)</translation>
    </message>
    <message>
        <source>unit</source>
        <translation>유닛</translation>
    </message>
</context>
<context>
    <name>LessonPanel</name>
    <message>
        <source>&lt;p&gt;Open a lesson from the &lt;b&gt;Lessons&lt;/b&gt; menu.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;레슨&lt;/b&gt; 메뉴에서 레슨을 여세요.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Lesson {number}: {title}</source>
        <translation>레슨 {number}: {title}</translation>
    </message>
    <message>
        <source>Claim.</source>
        <translation>주장.</translation>
    </message>
    <message>
        <source>Try it.</source>
        <translation>해 보기.</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>실행 목록</translation>
    </message>
    <message>
        <source>Checked headless by {command}.</source>
        <translation>화면 없이 {command} 명령으로 검증합니다.</translation>
    </message>
</context>
<context>
    <name>Lessons</name>
    <message>
        <source>Next character with a plain RNN</source>
        <translation>기본 RNN으로 다음 글자 예측</translation>
    </message>
    <message>
        <source>A tanh RNN trained on &quot;hello&quot; maps &quot;hell&quot; to &quot;ello&quot;, building h_t one character at a time.</source>
        <translation>&quot;hello&quot;로 학습한 tanh RNN은 &quot;hell&quot;을 &quot;ello&quot;로 바꾸며, h_t를 한 글자씩 쌓아 만듭니다.</translation>
    </message>
    <message>
        <source>Train, then open the Inside view: each row of the hidden-state map is h_t after one more character. The loss reaches zero within a few hundred steps.</source>
        <translation>학습한 뒤 내부 보기(Inside view)를 여세요. 은닉 상태 맵의 각 행은 글자를 하나 더 읽은 뒤의 h_t입니다. 손실은 수백 스텝 안에 0에 도달합니다.</translation>
    </message>
    <message>
        <source>Vanishing gradients</source>
        <translation>기울기 소실</translation>
    </message>
    <message>
        <source>On long-range recall a tanh RNN fails where LSTM and GRU succeed; its gradient from the end fades by orders of magnitude on the way back.</source>
        <translation>먼 과거를 기억해야 하는 과제에서 LSTM과 GRU는 성공하지만 tanh RNN은 실패합니다. 끝에서 출발한 기울기가 앞쪽으로 거슬러 가며 몇 자릿수나 작아지기 때문입니다.</translation>
    </message>
    <message>
        <source>A ReLU RNN explodes; clipping tames it</source>
        <translation>ReLU RNN의 기울기 폭발과 클리핑</translation>
    </message>
    <message>
        <source>Without clipping a ReLU RNN&apos;s gradient norm spikes until the loss or gradient is Inf or NaN; clipping keeps it finite.</source>
        <translation>클리핑이 없으면 ReLU RNN의 기울기 노름이 치솟아 손실이나 기울기가 Inf 또는 NaN이 됩니다. 클리핑을 하면 유한하게 유지됩니다.</translation>
    </message>
    <message>
        <source>Race both runs. The unclipped run stops within a few dozen steps with a divergence banner; the clipped run stays finite for all its steps, though at this learning rate it learns little.</source>
        <translation>두 실행을 Race All Runs(Ctrl+F5)로 돌리세요. 클리핑하지 않은 실행은 수십 스텝 안에 발산 배너와 함께 멈춥니다. 클리핑한 실행은 모든 스텝 동안 유한하게 유지되지만, 이 학습률에서는 거의 배우지 못합니다.</translation>
    </message>
    <message>
        <source>LSTM vs GRU</source>
        <translation>LSTM과 GRU 비교</translation>
    </message>
    <message>
        <source>A GRU has three quarters of an LSTM&apos;s recurrent parameters and reaches similar accuracy.</source>
        <translation>GRU는 LSTM 순환 파라미터의 4분의 3만으로 비슷한 정확도에 도달합니다.</translation>
    </message>
    <message>
        <source>Race both runs and compare the parameters column and the metric curves: the GRU is a quarter smaller and learns as well.</source>
        <translation>두 실행을 Race All Runs(Ctrl+F5)로 돌린 뒤 파라미터 열과 지표 곡선을 비교하세요. GRU는 4분의 1 더 작지만 똑같이 잘 배웁니다.</translation>
    </message>
    <message>
        <source>Many-to-one, many-to-many, one-to-many</source>
        <translation>다대일, 다대다, 일대다</translation>
    </message>
    <message>
        <source>One recurrent network, three shapes of problem: a label per sentence, an output per step, a sentence from one start vector.</source>
        <translation>순환 신경망 하나로 세 가지 형태의 문제를 풉니다. 문장마다 레이블 하나, 시점마다 출력 하나, 시작 벡터 하나에서 문장 하나.</translation>
    </message>
    <message>
        <source>Look at the diagram of each run: one output per sentence, one per character, and a whole sentence from one start vector.</source>
        <translation>각 실행의 다이어그램을 보세요. 문장마다 출력 하나, 글자마다 출력 하나, 그리고 시작 벡터 하나에서 나오는 문장 전체입니다.</translation>
    </message>
    <message>
        <source>The context-vector bottleneck</source>
        <translation>컨텍스트 벡터 병목</translation>
    </message>
    <message>
        <source>Without attention a seq2seq model&apos;s sequence accuracy falls as inputs grow, and only the last tokens it read (the first it writes) come out reliably; with attention it holds.</source>
        <translation>어텐션이 없으면 seq2seq 모델의 시퀀스 정확도는 입력이 길어질수록 떨어지고, 마지막에 읽은 토큰(가장 먼저 쓰는 토큰)만 믿을 만하게 나옵니다. 어텐션이 있으면 정확도가 유지됩니다.</translation>
    </message>
    <message>
        <source>Race the three runs. In Compare runs the LSTM and GRU reach accuracy 1 while the tanh RNN stays near chance (0.25). Pick the RNN run and open Gradient per timestep: the gradient reaching the first steps is orders of magnitude fainter. Trained much longer (past about 600 steps), Adam&apos;s rescaling sometimes lets the RNN learn it too: the gradient is faint, not zero. Then press Continue Sweep in the Sweep dock: 54 short runs on Ray draw accuracy against distance (distractors + 1) for the three cells, three seeds each. The RNN holds to about 10 steps and is at chance from 20. The runs use a forget-gate bias of 4 and 300 steps: with the recall presets&apos; bias of 1 and 1500 steps the curve is noisy, because over that many Adam steps the RNN sometimes learns long gaps, and without the larger bias the LSTM&apos;s memory fades before 50 steps.</source>
        <translation>세 실행을 Race All Runs(Ctrl+F5)로 돌리세요. 실행 비교(Compare runs)에서 LSTM과 GRU는 정확도 1에 도달하지만 tanh RNN은 우연 수준(0.25) 근처에 머뭅니다. RNN 실행을 골라 시점별 기울기(Gradient per timestep)를 열면, 처음 시점들에 도달하는 기울기가 몇 자릿수나 약합니다. 훨씬 오래(약 600 스텝 넘게) 학습하면 Adam이 기울기 크기를 다시 맞춰 주어 RNN도 가끔 이 과제를 배웁니다. 기울기는 약할 뿐 0은 아니기 때문입니다. 그다음 스윕 패널에서 스윕 이어서 실행을 누르세요. Ray에서 짧은 실행 54개가 세 셀 각각에 대해 시드 3개씩, 거리(방해 토큰 수 + 1)에 따른 정확도를 그립니다. RNN은 약 10 스텝까지는 버티고 20부터는 우연 수준입니다. 이 실행들은 망각 게이트 편향 4와 300 스텝을 씁니다. 기억(recall) 프리셋의 편향 1과 1500 스텝으로는 곡선이 들쭉날쭉합니다. 그만큼 많은 Adam 스텝 동안 RNN이 가끔 긴 간격을 배우고, 편향이 크지 않으면 LSTM의 기억이 50 스텝 전에 흐려지기 때문입니다.</translation>
    </message>
    <message>
        <source>Race both runs. Without attention the long inputs fail; open Attention on the other run to see what it looks at instead. Then press Continue Sweep in the Sweep dock: each run trains on inputs up to one length, with and without attention, two seeds each, and the sweep plot draws sequence accuracy against that length: without attention it falls as inputs grow, with attention it holds.</source>
        <translation>두 실행을 Race All Runs(Ctrl+F5)로 돌리세요. 어텐션이 없으면 긴 입력에서 실패합니다. 다른 실행에서 어텐션(Attention)을 열어 대신 무엇을 보는지 확인하세요. 그다음 스윕 패널에서 스윕 이어서 실행을 누르세요. 각 실행은 어텐션이 있을 때와 없을 때 시드 2개씩, 정해진 길이까지의 입력으로 학습하고, 스윕 그래프는 그 길이에 따른 시퀀스 정확도를 그립니다. 어텐션이 없으면 입력이 길어질수록 떨어지고, 어텐션이 있으면 유지됩니다.</translation>
    </message>
    <message>
        <source>Teacher forcing and exposure bias</source>
        <translation>교사 강요와 노출 편향</translation>
    </message>
    <message>
        <source>Full teacher forcing gives the lowest teacher-forced loss but the widest gap to free-running accuracy (exposure bias); a ratio of 0 narrows it.</source>
        <translation>교사 강요를 항상 쓰면 교사 강요 손실은 가장 낮지만, 스스로 생성할 때의 정확도와 벌어지는 차이(노출 편향)가 가장 큽니다. 비율을 0으로 하면 그 차이가 줄어듭니다.</translation>
    </message>
    <message>
        <source>Race the three runs. Compare the teacher-forced loss with the sequence accuracy, which is measured generating freely.</source>
        <translation>세 실행을 Race All Runs(Ctrl+F5)로 돌리세요. 교사 강요 손실을, 스스로 생성하며 측정하는 시퀀스 정확도와 비교하세요.</translation>
    </message>
    <message>
        <source>Attention alignment</source>
        <translation>어텐션 정렬</translation>
    </message>
    <message>
        <source>Attention learns alignments: an anti-diagonal for reversal, and year, month and day fields for date translation.</source>
        <translation>어텐션은 정렬을 학습합니다. 뒤집기에서는 반대각선을, 날짜 변환에서는 연, 월, 일 필드를 맞춥니다.</translation>
    </message>
    <message>
        <source>Train, then open Attention and scrub through the snapshots: the map sharpens into an anti-diagonal for reversal, and into year, month and day blocks for dates.</source>
        <translation>학습한 뒤 어텐션(Attention)을 열고 스냅숏을 차례로 넘겨 보세요. 뒤집기에서는 맵이 반대각선으로, 날짜에서는 연, 월, 일 블록으로 또렷해집니다.</translation>
    </message>
    <message>
        <source>Positional encoding</source>
        <translation>위치 인코딩</translation>
    </message>
    <message>
        <source>A Transformer without positional encoding cannot learn reversal; with it, it can.</source>
        <translation>위치 인코딩이 없는 트랜스포머는 뒤집기를 배우지 못하고, 위치 인코딩이 있으면 배웁니다.</translation>
    </message>
    <message>
        <source>Race both runs: without positions the model sees the input as a bag of symbols and cannot reverse it.</source>
        <translation>두 실행을 Race All Runs(Ctrl+F5)로 돌리세요. 위치 정보가 없으면 모델은 입력을 순서 없는 기호 묶음으로 보므로 뒤집을 수 없습니다.</translation>
    </message>
    <message>
        <source>Causal masking</source>
        <translation>인과 마스킹</translation>
    </message>
    <message>
        <source>A decoder trained without the causal mask reaches a low teacher-forced loss by reading the answer, and generates nonsense.</source>
        <translation>인과 마스크 없이 학습한 디코더는 정답을 미리 읽어 교사 강요 손실이 낮아지지만, 직접 생성하면 엉터리 문장을 만듭니다.</translation>
    </message>
    <message>
        <source>Race both runs: the unmasked decoder&apos;s loss drops far lower, because it reads the character it should predict.</source>
        <translation>두 실행을 Race All Runs(Ctrl+F5)로 돌리세요. 마스크 없는 디코더는 예측해야 할 글자를 읽을 수 있어서 손실이 훨씬 낮아집니다.</translation>
    </message>
    <message>
        <source>Sequential vs parallel</source>
        <translation>순차 처리와 병렬 처리</translation>
    </message>
    <message>
        <source>An LSTM must process positions one after another; a Transformer handles all positions at once, so its chain of sequential work does not grow with length.</source>
        <translation>LSTM은 위치를 하나씩 차례로 처리해야 하지만, 트랜스포머는 모든 위치를 한꺼번에 처리하므로 차례로 해야 할 작업의 사슬이 길이에 따라 늘어나지 않습니다.</translation>
    </message>
    <message>
        <source>Race the runs and compare tokens per second: the LSTM walks the positions one by one, the Transformer takes them all at once (the difference shows most on a GPU).</source>
        <translation>실행들을 Race All Runs(Ctrl+F5)로 돌리고 초당 토큰 수를 비교하세요. LSTM은 위치를 하나씩 거쳐 가고, 트랜스포머는 한 번에 모두 처리합니다(차이는 GPU에서 가장 잘 드러납니다).</translation>
    </message>
    <message>
        <source>Multi-head attention</source>
        <translation>멀티헤드 어텐션</translation>
    </message>
    <message>
        <source>Different heads learn to attend to different places.</source>
        <translation>헤드마다 서로 다른 곳에 주목하도록 학습합니다.</translation>
    </message>
    <message>
        <source>Train, then open Attention and switch heads: each looks at different digits of the two numbers.</source>
        <translation>학습한 뒤 어텐션(Attention)을 열고 헤드를 바꿔 보세요. 헤드마다 두 수의 서로 다른 자릿수를 봅니다.</translation>
    </message>
    <message>
        <source>Before the RNN: a window, a Markov chain, a latent state</source>
        <translation>RNN 이전: 윈도, 마르코프 연쇄, 잠재 상태</translation>
    </message>
    <message>
        <source>A model that sees only its last tau inputs answers a recall task only when the cue is inside its window, and its parameters grow with tau; an LSTM of one fixed size answers at every distance. On Hamlet, Markov chains of higher order fit the text they counted ever closer and new text ever worse.</source>
        <translation>마지막 tau개 입력만 보는 모델은 단서가 윈도 안에 있을 때만 회상 과제에 답하고, 매개변수는 tau와 함께 늘어납니다. 크기가 고정된 LSTM 하나는 어느 거리에서나 답합니다. 햄릿에서 차수가 높은 마르코프 연쇄일수록 센 텍스트에는 더 잘 맞고 새 텍스트에는 더 못 맞습니다.</translation>
    </message>
    <message>
        <source>Race the runs. In Compare runs the window of 4 stays at chance while the window of 16 and the LSTM answer; the gradient view of a window model ends in a hard edge where its window begins. The Markov chains count the play in a few dozen steps: compare their training and validation loss, then open the Playground and let each write.</source>
        <translation>실행들을 경주시키세요. 실행 비교에서 윈도 4는 우연 수준에 머물고 윈도 16과 LSTM은 답합니다. 윈도 모델의 기울기 보기는 윈도가 시작하는 곳에서 뚝 끊깁니다. 마르코프 연쇄는 몇십 스텝 만에 희곡을 셉니다. 학습 손실과 검증 손실을 비교한 뒤 플레이그라운드를 열어 각각 글을 쓰게 해 보세요.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>untitled</source>
        <translation>제목 없음</translation>
    </message>
    <message>
        <source>Loading PyTorch and the model…</source>
        <translation>PyTorch와 모델을 불러오는 중…</translation>
    </message>
    <message>
        <source>Lesson</source>
        <translation>레슨</translation>
    </message>
    <message>
        <source>This run learns from {path}, which the project does not hold. SeqLab reads no file a project names: choose the file.</source>
        <translation>이 실행은 {path}에서 학습하지만 프로젝트에 그 파일이 없습니다. SeqLab은 프로젝트가 가리키는 파일을 읽지 않습니다. 파일을 선택하세요.</translation>
    </message>
    <message>
        <source>the model cannot be built: {error}</source>
        <translation>모델을 만들 수 없습니다: {error}</translation>
    </message>
    <message>
        <source> (read-only)</source>
        <translation> (읽기 전용)</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>내보내기 실패</translation>
    </message>
    <message>
        <source>Exported {path}</source>
        <translation>{path}(으)로 내보냄</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>언어(&amp;L)</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>시스템 설정 따르기</translation>
    </message>
    <message>
        <source>&amp;Lessons</source>
        <translation>레슨(&amp;L)</translation>
    </message>
    <message>
        <source>About SeqLab</source>
        <translation>SeqLab 정보</translation>
    </message>
</context>
<context>
    <name>ModelDiagram</name>
    <message>
        <source>No model</source>
        <translation>모델 없음</translation>
    </message>
    <message>
        <source>Recurrent network</source>
        <translation>순환 신경망</translation>
    </message>
    <message>
        <source>Encoder-decoder</source>
        <translation>인코더-디코더</translation>
    </message>
    <message>
        <source>Fixed-window model</source>
        <translation>고정 윈도 모델</translation>
    </message>
    <message>
        <source>Transformer</source>
        <translation>트랜스포머</translation>
    </message>
    <message>
        <source>Markov chain</source>
        <translation>마르코프 연쇄</translation>
    </message>
    <message>
        <source>order {0}</source>
        <translation>{0}차</translation>
    </message>
    <message>
        <source>{0} parameters</source>
        <translation>매개변수 {0}개</translation>
    </message>
    <message>
        <source>counts, no weights</source>
        <translation>빈도만 세고 가중치 없음</translation>
    </message>
    <message>
        <source>next-token prediction</source>
        <translation>다음 토큰 예측</translation>
    </message>
    <message>
        <source>classification</source>
        <translation>분류</translation>
    </message>
    <message>
        <source>tagging</source>
        <translation>태깅</translation>
    </message>
    <message>
        <source>sequence to sequence</source>
        <translation>시퀀스 대 시퀀스</translation>
    </message>
    <message>
        <source>generation</source>
        <translation>생성</translation>
    </message>
    <message>
        <source>regression</source>
        <translation>회귀</translation>
    </message>
    <message>
        <source>attention</source>
        <translation>어텐션</translation>
    </message>
    <message>
        <source>context vector</source>
        <translation>문맥 벡터</translation>
    </message>
    <message>
        <source>Encoder</source>
        <translation>인코더</translation>
    </message>
    <message>
        <source>Decoder</source>
        <translation>디코더</translation>
    </message>
    <message>
        <source>out {0}</source>
        <translation>출력 {0}</translation>
    </message>
    <message>
        <source>{0} params</source>
        <translation>매개변수 {0}개</translation>
    </message>
    <message>
        <source>Unrolled in time</source>
        <translation>시간 축으로 펼친 모습</translation>
    </message>
    <message>
        <source>context vector + attention → decoder</source>
        <translation>문맥 벡터 + 어텐션 → 디코더</translation>
    </message>
    <message>
        <source>final hidden state = the one context vector the decoder gets</source>
        <translation>마지막 은닉 상태 = 디코더가 받는 단 하나의 문맥 벡터</translation>
    </message>
    <message>
        <source>{0} timesteps in all</source>
        <translation>전체 {0}개 시점</translation>
    </message>
    <message>
        <source>{0} layers in all</source>
        <translation>전체 {0}개 층</translation>
    </message>
    <message>
        <source>What one output sees</source>
        <translation>출력 하나가 보는 범위</translation>
    </message>
    <message>
        <source>window of the last {0} inputs → MLP → y</source>
        <translation>마지막 입력 {0}개의 윈도 → MLP → y</translation>
    </message>
    <message>
        <source>the last {0} tokens → their row of counts, P(next | them) → next token</source>
        <translation>마지막 토큰 {0}개 → 그 빈도 행, P(다음 | 그 토큰들) → 다음 토큰</translation>
    </message>
    <message>
        <source>the last {0} of {1} timesteps: nothing before the last {2} reaches the output</source>
        <translation>전체 {1}개 시점 중 마지막 {0}개: 마지막 {2}개보다 앞의 것은 출력에 닿지 않습니다</translation>
    </message>
    <message>
        <source>it reads all {0} inputs shown, and up to {1}</source>
        <translation>보이는 입력 {0}개를 모두 읽고, 최대 {1}개까지 읽습니다</translation>
    </message>
</context>
<context>
    <name>Playground</name>
    <message>
        <source>greedy</source>
        <translation>탐욕 탐색</translation>
    </message>
    <message>
        <source>beam search</source>
        <translation>빔 탐색</translation>
    </message>
    <message>
        <source>sample</source>
        <translation>샘플링</translation>
    </message>
    <message>
        <source>type an input, or pick a validation example</source>
        <translation>입력을 쓰거나 검증 예제를 고르세요</translation>
    </message>
    <message>
        <source>⏎ stands for a line break</source>
        <translation>⏎는 줄바꿈을 뜻합니다</translation>
    </message>
    <message>
        <source>width </source>
        <translation>폭 </translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> 토큰</translation>
    </message>
    <message>
        <source>seed </source>
        <translation>시드 </translation>
    </message>
    <message>
        <source>input:</source>
        <translation>입력:</translation>
    </message>
    <message>
        <source>write</source>
        <translation>생성</translation>
    </message>
    <message>
        <source>top</source>
        <translation>상위</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>출력</translation>
    </message>
    <message>
        <source>Step through time</source>
        <translation>시점별로 보기</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>예측</translation>
    </message>
    <message>
        <source>Press Try to run the model on an input.</source>
        <translation>시험을 눌러 입력에 모델을 실행하세요.</translation>
    </message>
    <message>
        <source>weights at step {step}</source>
        <translation>스텝 {step}의 가중치</translation>
    </message>
    <message>
        <source>untrained: weights as initialised</source>
        <translation>학습 전: 초기 가중치</translation>
    </message>
    <message>
        <source>Forecast ▶</source>
        <translation>예측 ▶</translation>
    </message>
    <message>
        <source>Try ▶</source>
        <translation>시험 ▶</translation>
    </message>
    <message>
        <source>Run the model on the input (Enter)</source>
        <translation>입력에 모델을 실행합니다 (Enter)</translation>
    </message>
</context>
<context>
    <name>Plots</name>
    <message>
        <source>encoder self-attention</source>
        <translation>인코더 셀프 어텐션</translation>
    </message>
    <message>
        <source>cross-attention (decoder over input)</source>
        <translation>교차 어텐션(디코더가 입력을 봄)</translation>
    </message>
    <message>
        <source>decoder self-attention</source>
        <translation>디코더 셀프 어텐션</translation>
    </message>
    <message>
        <source>mean of heads</source>
        <translation>헤드 평균</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>어텐션</translation>
    </message>
    <message>
        <source>map:</source>
        <translation>맵:</translation>
    </message>
    <message>
        <source>Forward ▶</source>
        <translation>다음 ▶</translation>
    </message>
    <message>
        <source>Read the next input token (Right arrow)</source>
        <translation>다음 입력 토큰을 읽습니다 (오른쪽 화살표)</translation>
    </message>
    <message>
        <source>layer:</source>
        <translation>층:</translation>
    </message>
    <message>
        <source>Output distribution</source>
        <translation>출력 분포</translation>
    </message>
    <message>
        <source>probability</source>
        <translation>확률</translation>
    </message>
    <message>
        <source>t = {t} of {steps}, read {token}</source>
        <translation>t = {t}/{steps}, 읽은 토큰 {token}</translation>
    </message>
    <message>
        <source>{layer} after reading {token}: {name}</source>
        <translation>{token}을(를) 읽은 뒤 {layer}: {name}</translation>
    </message>
    <message>
        <source>No output yet: the decoder writes after the whole input</source>
        <translation>아직 출력 없음: 디코더는 입력을 모두 읽은 뒤 씁니다</translation>
    </message>
    <message>
        <source>Output distribution at this step</source>
        <translation>이 시점의 출력 분포</translation>
    </message>
    <message>
        <source>head:</source>
        <translation>헤드:</translation>
    </message>
    <message>
        <source>attended token (key)</source>
        <translation>주목받는 토큰(키)</translation>
    </message>
    <message>
        <source>query token</source>
        <translation>쿼리 토큰</translation>
    </message>
    <message>
        <source>This model has no attention.</source>
        <translation>이 모델에는 어텐션이 없습니다.</translation>
    </message>
    <message>
        <source>This seq2seq model has no attention: the decoder sees one context vector.</source>
        <translation>이 seq2seq 모델에는 어텐션이 없습니다. 디코더는 문맥 벡터 하나만 봅니다.</translation>
    </message>
    <message>
        <source>Attention maps appear at the first probe.</source>
        <translation>어텐션 맵은 첫 프로브 때 나타납니다.</translation>
    </message>
    <message>
        <source>{map}, step {step}</source>
        <translation>{map}, 스텝 {step}</translation>
    </message>
    <message>
        <source>run</source>
        <translation>실행</translation>
    </message>
    <message>
        <source>architecture</source>
        <translation>구조</translation>
    </message>
    <message>
        <source>parameters</source>
        <translation>매개변수</translation>
    </message>
    <message>
        <source>steps</source>
        <translation>스텝</translation>
    </message>
    <message>
        <source>final loss</source>
        <translation>최종 손실</translation>
    </message>
    <message>
        <source>metric</source>
        <translation>지표</translation>
    </message>
    <message>
        <source>tokens/s</source>
        <translation>초당 토큰</translation>
    </message>
    <message>
        <source>time to target</source>
        <translation>목표 도달</translation>
    </message>
    <message>
        <source>Compare runs</source>
        <translation>실행 비교</translation>
    </message>
    <message>
        <source>The metric a run must reach for &apos;time to target&apos; (for mse: fall to)</source>
        <translation>&apos;목표 도달&apos;에 필요한 지표 값 (평균 제곱 오차는 이 값까지 내려가야 함)</translation>
    </message>
    <message>
        <source>x:</source>
        <translation>x축:</translation>
    </message>
    <message>
        <source>target metric:</source>
        <translation>목표 지표:</translation>
    </message>
    <message>
        <source>Training loss</source>
        <translation>학습 손실</translation>
    </message>
    <message>
        <source>step</source>
        <translation>스텝</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>손실</translation>
    </message>
    <message>
        <source>Validation metric</source>
        <translation>검증 지표</translation>
    </message>
    <message>
        <source>No run has trained yet: Run ▸ Race All Runs trains them one after another.</source>
        <translation>아직 학습한 실행이 없습니다. 실행 ▸ 모든 실행 경주로 차례로 학습하세요.</translation>
    </message>
    <message>
        <source>last position</source>
        <translation>마지막 위치</translation>
    </message>
    <message>
        <source>full loss</source>
        <translation>전체 손실</translation>
    </message>
    <message>
        <source>input</source>
        <translation>입력</translation>
    </message>
    <message>
        <source>output</source>
        <translation>출력</translation>
    </message>
    <message>
        <source>input token (key)</source>
        <translation>입력 토큰(키)</translation>
    </message>
    <message>
        <source>output token</source>
        <translation>출력 토큰</translation>
    </message>
    <message>
        <source>Each row: where one output token looked, the mean of the last layer&apos;s heads</source>
        <translation>각 행: 출력 토큰 하나가 본 곳(마지막 층 헤드들의 평균)</translation>
    </message>
    <message>
        <source>weight</source>
        <translation>가중치</translation>
    </message>
    <message>
        <source>context</source>
        <translation>문맥</translation>
    </message>
    <message>
        <source>continues</source>
        <translation>이어 씀</translation>
    </message>
    <message>
        <source>answer</source>
        <translation>답</translation>
    </message>
    <message>
        <source>Attention over the input</source>
        <translation>입력에 대한 어텐션</translation>
    </message>
    <message>
        <source>Self-attention of the input</source>
        <translation>입력의 셀프 어텐션</translation>
    </message>
    <message>
        <source>decoder input</source>
        <translation>디코더 입력</translation>
    </message>
    <message>
        <source>Gradient per timestep</source>
        <translation>시점별 기울기</translation>
    </message>
    <message>
        <source>loss:</source>
        <translation>손실:</translation>
    </message>
    <message>
        <source>input:</source>
        <translation>입력:</translation>
    </message>
    <message>
        <source>log10 ‖dL/dx_t‖ over training</source>
        <translation>학습 중 log10 ‖dL/dx_t‖</translation>
    </message>
    <message>
        <source>input timestep t</source>
        <translation>입력 시점 t</translation>
    </message>
    <message>
        <source>probe step</source>
        <translation>프로브 스텝</translation>
    </message>
    <message>
        <source>Latest profile</source>
        <translation>최근 분포</translation>
    </message>
    <message>
        <source>A Markov chain has no gradients: it learns by counting.</source>
        <translation>마르코프 연쇄에는 기울기가 없습니다. 빈도를 세어 학습합니다.</translation>
    </message>
    <message>
        <source>Gradients appear at the first probe.</source>
        <translation>기울기는 첫 프로브 때 나타납니다.</translation>
    </message>
    <message>
        <source>Darkest cells and x marks: exactly zero gradient. Nothing from those timesteps reaches the output.</source>
        <translation>가장 어두운 칸과 x 표시: 기울기가 정확히 0입니다. 그 시점의 정보는 출력에 전혀 닿지 않습니다.</translation>
    </message>
    <message>
        <source>Gradient of the loss at the last output position only (how far back the signal reaches), or of the whole loss</source>
        <translation>마지막 출력 위치의 손실만의 기울기(신호가 얼마나 먼 과거까지 닿는지) 또는 전체 손실의 기울기</translation>
    </message>
    <message>
        <source>Gradient norms</source>
        <translation>기울기 노름</translation>
    </message>
    <message>
        <source>Per group</source>
        <translation>그룹별</translation>
    </message>
    <message>
        <source>log10 ‖gradient‖ before clipping</source>
        <translation>클리핑 전 log10 ‖기울기‖</translation>
    </message>
    <message>
        <source>Total gradient norm</source>
        <translation>전체 기울기 노름</translation>
    </message>
    <message>
        <source>‖gradient‖</source>
        <translation>‖기울기‖</translation>
    </message>
    <message>
        <source>Per-group norms appear at the first probe after a training step.</source>
        <translation>그룹별 노름은 학습 스텝 뒤 첫 프로브 때 나타납니다.</translation>
    </message>
    <message>
        <source>Per group, step {step}</source>
        <translation>그룹별, 스텝 {step}</translation>
    </message>
    <message>
        <source>Inside view</source>
        <translation>내부 보기</translation>
    </message>
    <message>
        <source>show:</source>
        <translation>표시:</translation>
    </message>
    <message>
        <source>token (time →)</source>
        <translation>토큰 (시간 →)</translation>
    </message>
    <message>
        <source>unit</source>
        <translation>유닛</translation>
    </message>
    <message>
        <source>Gates and hidden states are shown for recurrent layers; a Transformer has none.</source>
        <translation>게이트와 은닉 상태는 순환 층에서만 보입니다. 트랜스포머에는 없습니다.</translation>
    </message>
    <message>
        <source>A fixed-window model keeps no state: it sees only its last inputs.</source>
        <translation>고정 윈도 모델은 상태를 두지 않고 마지막 입력들만 봅니다.</translation>
    </message>
    <message>
        <source>Gates and hidden states appear at the first probe.</source>
        <translation>게이트와 은닉 상태는 첫 프로브 때 나타납니다.</translation>
    </message>
    <message>
        <source>{layer}: {quantity}, step {step}</source>
        <translation>{layer}: {quantity}, 스텝 {step}</translation>
    </message>
    <message>
        <source>input gate</source>
        <translation>입력 게이트</translation>
    </message>
    <message>
        <source>forget gate</source>
        <translation>망각 게이트</translation>
    </message>
    <message>
        <source>output gate</source>
        <translation>출력 게이트</translation>
    </message>
    <message>
        <source>reset gate</source>
        <translation>리셋 게이트</translation>
    </message>
    <message>
        <source>update gate</source>
        <translation>업데이트 게이트</translation>
    </message>
    <message>
        <source>candidate</source>
        <translation>후보 상태</translation>
    </message>
    <message>
        <source>hidden state h_t</source>
        <translation>은닉 상태 h_t</translation>
    </message>
    <message>
        <source>cell state c_t</source>
        <translation>셀 상태 c_t</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>손실</translation>
    </message>
    <message>
        <source>log scale</source>
        <translation>로그 눈금</translation>
    </message>
    <message>
        <source>train</source>
        <translation>학습</translation>
    </message>
    <message>
        <source>How far ahead the model forecasts, feeding back its own predictions</source>
        <translation>모델이 자기 예측을 다시 넣으며 얼마나 앞까지 예측할지</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>검증</translation>
    </message>
    <message>
        <source>horizon:</source>
        <translation>예측 구간:</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>예측</translation>
    </message>
    <message>
        <source>time step</source>
        <translation>시점</translation>
    </message>
    <message>
        <source>value</source>
        <translation>값</translation>
    </message>
    <message>
        <source>mean absolute error {error} (predicting the history&apos;s mean: {flat})</source>
        <translation>평균 절대 오차 {error} (과거 평균으로 예측하면 {flat})</translation>
    </message>
    <message>
        <source>read</source>
        <translation>읽은 값</translation>
    </message>
    <message>
        <source>truth (dashed)</source>
        <translation>실제 값(점선)</translation>
    </message>
    <message>
        <source>forecast of {steps} steps</source>
        <translation>{steps} 스텝 예측</translation>
    </message>
    <message>
        <source>diverged at step {step}</source>
        <translation>스텝 {step}에서 발산</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>내보내기</translation>
    </message>
    <message>
        <source>Copy Image</source>
        <translation>이미지 복사</translation>
    </message>
    <message>
        <source>Image (PNG)…</source>
        <translation>이미지(PNG)…</translation>
    </message>
    <message>
        <source>Vector image (SVG)…</source>
        <translation>벡터 이미지(SVG)…</translation>
    </message>
    <message>
        <source>Data (CSV)…</source>
        <translation>데이터(CSV)…</translation>
    </message>
    <message>
        <source>Export {plot}</source>
        <translation>{plot} 내보내기</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>내보내기 실패</translation>
    </message>
    <message>
        <source>Could not export {plot} to {path}: {error}</source>
        <translation>{plot}을(를) {path}(으)로 내보내지 못했습니다: {error}</translation>
    </message>
    <message>
        <source>wall time (s)</source>
        <translation>경과 시간(초)</translation>
    </message>
    <message>
        <source>Scrub through the kept probe snapshots of this run</source>
        <translation>이 실행에 보관된 프로브 스냅숏을 훑어봅니다</translation>
    </message>
    <message>
        <source>step {step}</source>
        <translation>스텝 {step}</translation>
    </message>
    <message>
        <source>trial</source>
        <translation>시행</translation>
    </message>
    <message>
        <source>state</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>validation loss</source>
        <translation>검증 손실</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>초</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>대기</translation>
    </message>
    <message>
        <source>running</source>
        <translation>진행 중</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>완료</translation>
    </message>
    <message>
        <source>diverged</source>
        <translation>발산</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <source>stopped early</source>
        <translation>조기 중단</translation>
    </message>
    <message>
        <source>No sweep yet: Run ▸ Sweep… trains every combination of the values you give one or two fields of the form.</source>
        <translation>아직 스윕이 없습니다. 실행 ▸ 스윕…은 양식의 항목 한두 개에 준 값의 모든 조합을 학습합니다.</translation>
    </message>
    <message>
        <source>Sweep</source>
        <translation>스윕</translation>
    </message>
    <message>
        <source>Stop Sweep</source>
        <translation>스윕 중지</translation>
    </message>
    <message>
        <source>Continue Sweep</source>
        <translation>스윕 이어서 실행</translation>
    </message>
    <message>
        <source>Run the trials of the sweep that have not finished</source>
        <translation>스윕에서 끝나지 않은 시행을 실행합니다</translation>
    </message>
    <message>
        <source>Double-click a finished trial to open it as the current run</source>
        <translation>끝난 시행을 두 번 클릭하면 현재 실행으로 엽니다</translation>
    </message>
    <message>
        <source>Validation loss of each trial</source>
        <translation>시행별 검증 손실</translation>
    </message>
    <message>
        <source>{metric} against {field}</source>
        <translation>{field} 값에 따른 {metric}</translation>
    </message>
    <message>
        <source>{metric} against {field}, by {series}</source>
        <translation>{field} 값에 따른 {metric}, {series} 값별</translation>
    </message>
    <message>
        <source>{field} (log scale)</source>
        <translation>{field} (로그 눈금)</translation>
    </message>
</context>
<context>
    <name>Report</name>
    <message>
        <source>untitled project</source>
        <translation>제목 없는 프로젝트</translation>
    </message>
    <message>
        <source>{app} report, {time}, 1 run</source>
        <translation>{app} 보고서, {time}, 실행 1개</translation>
    </message>
    <message>
        <source>{app} report, {time}, {count} runs</source>
        <translation>{app} 보고서, {time}, 실행 {count}개</translation>
    </message>
    <message>
        <source>Runs compared</source>
        <translation>실행 비교</translation>
    </message>
    <message>
        <source>Training loss and validation metric of every run</source>
        <translation>모든 실행의 학습 손실과 검증 지표</translation>
    </message>
    <message>
        <source>Run {id}: {name}</source>
        <translation>실행 {id}: {name}</translation>
    </message>
    <message>
        <source>Attention: {map}</source>
        <translation>어텐션: {map}</translation>
    </message>
    <message>
        <source>The full experiment spec (JSON)</source>
        <translation>실험 설정 전체(JSON)</translation>
    </message>
    <message>
        <source>{name} — {app} report</source>
        <translation>{name} — {app} 보고서</translation>
    </message>
    <message>
        <source>Sweep {id}: {name}</source>
        <translation>스윕 {id}: {name}</translation>
    </message>
    <message>
        <source>Validation loss of each trial, and the task metric against the varied fields (mean and spread over seeds)</source>
        <translation>시행별 검증 손실, 그리고 바꾼 항목에 따른 과제 지표 (시드에 걸친 평균과 퍼짐)</translation>
    </message>
</context>
<context>
    <name>RunPanel</name>
    <message>
        <source>Run:</source>
        <translation>실행:</translation>
    </message>
    <message>
        <source>Step N</source>
        <translation>N 스텝</translation>
    </message>
    <message>
        <source>({steps} steps)</source>
        <translation>({steps} 스텝)</translation>
    </message>
</context>
<context>
    <name>Session</name>
    <message>
        <source>{done}: train it on for more?</source>
        <translation>{done}. 더 학습할까요?</translation>
    </message>
    <message>
        <source>Train {steps} More Steps</source>
        <translation>{steps} 스텝 더 학습</translation>
    </message>
    <message>
        <source>Cannot train</source>
        <translation>학습할 수 없습니다</translation>
    </message>
    <message>
        <source>Stop training before starting a new run</source>
        <translation>새 실행을 시작하기 전에 학습을 멈추세요</translation>
    </message>
    <message>
        <source>Stop training before switching runs</source>
        <translation>실행을 바꾸기 전에 학습을 멈추세요</translation>
    </message>
    <message>
        <source>Every run has trained already: New Run adds one to race</source>
        <translation>모든 실행이 이미 학습했습니다. 새 실행을 추가하면 경주할 수 있습니다</translation>
    </message>
    <message>
        <source>Training anyway, but {warning}.</source>
        <translation>그래도 학습합니다. 다만 {warning}.</translation>
    </message>
    <message>
        <source>{name} set to {value} at step {step}</source>
        <translation>스텝 {step}에서 {name}을(를) {value}(으)로 설정</translation>
    </message>
    <message>
        <source>Run {how} at step {step}</source>
        <translation>스텝 {step}에서 실행 {how}</translation>
    </message>
    <message>
        <source>The run so far is kept.</source>
        <translation>지금까지의 실행은 보존됩니다.</translation>
    </message>
    <message>
        <source>Retry with batch size {batch}</source>
        <translation>배치 크기 {batch}로 다시 시도</translation>
    </message>
    <message>
        <source>Retry on the CPU</source>
        <translation>CPU에서 다시 시도</translation>
    </message>
    <message>
        <source>Training stopped at step {step}: {error}. The run so far is kept; press Train to go on.</source>
        <translation>스텝 {step}에서 학습이 멈췄습니다: {error}. 지금까지의 실행은 보존됩니다. 이어 가려면 학습을 누르세요.</translation>
    </message>
    <message>
        <source>Retry with learning rate {lr}</source>
        <translation>학습률 {lr}로 다시 시도</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>완료</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>중지</translation>
    </message>
    <message>
        <source>diverged</source>
        <translation>발산</translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <source>idle</source>
        <translation>대기</translation>
    </message>
    <message>
        <source>running</source>
        <translation>학습 중</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>일시 정지</translation>
    </message>
    <message>
        <source>stopping</source>
        <translation>멈추는 중</translation>
    </message>
    <message>
        <source>device {device}</source>
        <translation>장치 {device}</translation>
    </message>
    <message>
        <source>%v / %m steps</source>
        <translation>%v / %m 스텝</translation>
    </message>
</context>
<context>
    <name>Sweep</name>
    <message>
        <source>Continue Sweep</source>
        <translation>스윕 이어서 실행</translation>
    </message>
    <message>
        <source>Sweep</source>
        <translation>스윕</translation>
    </message>
    <message>
        <source>(nothing else)</source>
        <translation>(더 없음)</translation>
    </message>
    <message>
        <source>Vary:</source>
        <translation>바꿀 항목:</translation>
    </message>
    <message>
        <source>and:</source>
        <translation>그리고:</translation>
    </message>
    <message>
        <source>Values: a,b,c; or LO:HI:N for N evenly spaced, log:LO:HI:N for N spaced by ratio</source>
        <translation>값: a,b,c 또는 LO:HI:N(고른 간격으로 N개), log:LO:HI:N(같은 비율 간격으로 N개)</translation>
    </message>
    <message>
        <source>Varies:</source>
        <translation>바꾸는 항목:</translation>
    </message>
    <message>
        <source>Runs of each combination, with seeds from the draft&apos;s seed up</source>
        <translation>조합마다 학습할 횟수. 시드는 양식의 시드부터 하나씩 늘어납니다</translation>
    </message>
    <message>
        <source>Seeds:</source>
        <translation>시드 수:</translation>
    </message>
    <message>
        <source>this machine</source>
        <translation>이 컴퓨터</translation>
    </message>
    <message>
        <source>a Ray cluster</source>
        <translation>Ray 클러스터</translation>
    </message>
    <message>
        <source>Run on:</source>
        <translation>실행 위치:</translation>
    </message>
    <message>
        <source>all</source>
        <translation>전체</translation>
    </message>
    <message>
        <source>The cores of this machine the sweep may use</source>
        <translation>스윕이 쓸 수 있는 이 컴퓨터의 코어 수</translation>
    </message>
    <message>
        <source>Cores to use:</source>
        <translation>사용할 코어:</translation>
    </message>
    <message>
        <source>CPUs per trial:</source>
        <translation>시행당 CPU:</translation>
    </message>
    <message>
        <source>A fraction lets several trials share one GPU</source>
        <translation>분수로 주면 여러 시행이 GPU 하나를 나눠 씁니다</translation>
    </message>
    <message>
        <source>GPUs per trial:</source>
        <translation>시행당 GPU:</translation>
    </message>
    <message>
        <source>Stop hopeless trials early (ASHA)</source>
        <translation>가망 없는 시행 조기 중단 (ASHA)</translation>
    </message>
    <message>
        <source>Trials whose validation loss trails the others&apos; end early, leaving their cores to the rest</source>
        <translation>검증 손실이 다른 시행보다 뒤처지는 시행은 일찍 끝내고 코어를 나머지에 넘깁니다</translation>
    </message>
    <message>
        <source>Start Sweep</source>
        <translation>스윕 시작</translation>
    </message>
    <message>
        <source>{count} of {total} trials left to run</source>
        <translation>시행 {total}개 중 {count}개가 남았습니다</translation>
    </message>
    <message>
        <source>This sweep runs {count} trials</source>
        <translation>이 스윕은 시행 {count}개를 학습합니다</translation>
    </message>
    <message>
        <source>Give the values of {key} to try</source>
        <translation>{key}에 넣어 볼 값을 주세요</translation>
    </message>
    <message>
        <source>{key} is chosen twice</source>
        <translation>{key}을(를) 두 번 골랐습니다</translation>
    </message>
    <message>
        <source>Give the Ray cluster&apos;s address as HOST:PORT</source>
        <translation>Ray 클러스터의 주소를 HOST:PORT 형식으로 주세요</translation>
    </message>
    <message>
        <source>This machine has no GPU: give GPUs per trial 0, or run on a Ray cluster</source>
        <translation>이 컴퓨터에는 GPU가 없습니다. 시행당 GPU를 0으로 하거나 Ray 클러스터에서 실행하세요</translation>
    </message>
    <message>
        <source>Stop training, and the sweep running, before a sweep</source>
        <translation>스윕하기 전에 학습과 진행 중인 스윕을 멈추세요</translation>
    </message>
    <message>
        <source>A sweep is running: stop it first</source>
        <translation>스윕이 진행 중입니다. 먼저 멈추세요</translation>
    </message>
    <message>
        <source>Every trial of {sweep} has finished</source>
        <translation>{sweep}의 시행이 모두 끝났습니다</translation>
    </message>
    <message>
        <source>The sweep could not start: {error}</source>
        <translation>스윕을 시작할 수 없습니다: {error}</translation>
    </message>
    <message>
        <source>{sweep}: {count} trials started</source>
        <translation>{sweep}: 시행 {count}개를 시작했습니다</translation>
    </message>
    <message>
        <source>Stopping the sweep: its finished trials are kept</source>
        <translation>스윕을 멈추는 중입니다. 끝난 시행은 유지됩니다</translation>
    </message>
    <message>
        <source>The sweep could not go on: {error}. Its finished trials are kept in the project.</source>
        <translation>스윕을 계속할 수 없습니다: {error}. 끝난 시행은 프로젝트에 남아 있습니다.</translation>
    </message>
    <message>
        <source>{sweep} stopped: {done} of {total} trials are kept; Continue Sweep runs the rest</source>
        <translation>{sweep} 중지: 시행 {total}개 중 {done}개가 유지됩니다. 스윕 이어서 실행으로 나머지를 학습합니다</translation>
    </message>
    <message>
        <source>{sweep} finished: {done} of {total} trials in {seconds} s</source>
        <translation>{sweep} 완료: 시행 {total}개 중 {done}개, {seconds}초</translation>
    </message>
</context>
</TS>
