<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
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
        <source>Race the three runs. In Compare runs the LSTM and GRU reach accuracy 1 while the tanh RNN stays near chance (0.25). Pick the RNN run and open Gradient per timestep: the gradient reaching the first steps is orders of magnitude fainter. Trained much longer (past about 600 steps), Adam&apos;s rescaling sometimes lets the RNN learn it too: the gradient is faint, not zero.</source>
        <translation>세 실행을 Race All Runs(Ctrl+F5)로 돌리세요. 실행 비교(Compare runs)에서 LSTM과 GRU는 정확도 1에 도달하지만 tanh RNN은 우연 수준(0.25) 근처에 머뭅니다. RNN 실행을 골라 시점별 기울기(Gradient per timestep)를 열면, 처음 시점들에 도달하는 기울기가 몇 자릿수나 약합니다. 훨씬 오래(약 600 스텝 넘게) 학습하면 Adam이 기울기 크기를 다시 맞춰 주어 RNN도 가끔 이 과제를 배웁니다. 기울기는 약할 뿐 0은 아니기 때문입니다.</translation>
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
        <source>Without attention a seq2seq model&apos;s sequence accuracy falls as inputs grow, the early input positions worst; with attention it holds.</source>
        <translation>어텐션이 없으면 seq2seq 모델의 시퀀스 정확도는 입력이 길어질수록 떨어지고, 앞쪽 입력 위치가 가장 크게 손해를 봅니다. 어텐션이 있으면 정확도가 유지됩니다.</translation>
    </message>
    <message>
        <source>Race both runs. Without attention the long inputs fail; open Attention on the other run to see what it looks at instead.</source>
        <translation>두 실행을 Race All Runs(Ctrl+F5)로 돌리세요. 어텐션이 없으면 긴 입력에서 실패합니다. 다른 실행에서 어텐션(Attention)을 열어 대신 무엇을 보는지 확인하세요.</translation>
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
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Lesson</source>
        <translation>레슨</translation>
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
</context>
</TS>
